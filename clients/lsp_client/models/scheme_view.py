from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.scheme_view_forms import SchemeViewForms
    from ..models.scheme_view_requirements import SchemeViewRequirements


T = TypeVar("T", bound="SchemeView")


@_attrs_define
class SchemeView:
    """
    Attributes:
        jabatan_kerja_code (str):
        name (str):
        klasifikasi_code (str):
        subklasifikasi_code (str):
        kualifikasi (str):
        jenjang (list[int]):
        requirements (SchemeViewRequirements):
        fee (str):
        currency (str):
        skkni (str):
        forms (SchemeViewForms):
    """

    jabatan_kerja_code: str
    name: str
    klasifikasi_code: str
    subklasifikasi_code: str
    kualifikasi: str
    jenjang: list[int]
    requirements: SchemeViewRequirements
    fee: str
    currency: str
    skkni: str
    forms: SchemeViewForms
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        jabatan_kerja_code = self.jabatan_kerja_code

        name = self.name

        klasifikasi_code = self.klasifikasi_code

        subklasifikasi_code = self.subklasifikasi_code

        kualifikasi = self.kualifikasi

        jenjang = self.jenjang

        requirements = self.requirements.to_dict()

        fee = self.fee

        currency = self.currency

        skkni = self.skkni

        forms = self.forms.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "jabatan_kerja_code": jabatan_kerja_code,
                "name": name,
                "klasifikasi_code": klasifikasi_code,
                "subklasifikasi_code": subklasifikasi_code,
                "kualifikasi": kualifikasi,
                "jenjang": jenjang,
                "requirements": requirements,
                "fee": fee,
                "currency": currency,
                "skkni": skkni,
                "forms": forms,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.scheme_view_forms import SchemeViewForms
        from ..models.scheme_view_requirements import SchemeViewRequirements

        d = dict(src_dict)
        jabatan_kerja_code = d.pop("jabatan_kerja_code")

        name = d.pop("name")

        klasifikasi_code = d.pop("klasifikasi_code")

        subklasifikasi_code = d.pop("subklasifikasi_code")

        kualifikasi = d.pop("kualifikasi")

        jenjang = cast(list[int], d.pop("jenjang"))

        requirements = SchemeViewRequirements.from_dict(d.pop("requirements"))

        fee = d.pop("fee")

        currency = d.pop("currency")

        skkni = d.pop("skkni")

        forms = SchemeViewForms.from_dict(d.pop("forms"))

        scheme_view = cls(
            jabatan_kerja_code=jabatan_kerja_code,
            name=name,
            klasifikasi_code=klasifikasi_code,
            subklasifikasi_code=subklasifikasi_code,
            kualifikasi=kualifikasi,
            jenjang=jenjang,
            requirements=requirements,
            fee=fee,
            currency=currency,
            skkni=skkni,
            forms=forms,
        )

        scheme_view.additional_properties = d
        return scheme_view

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
