from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.education_level import EducationLevel
    from ..models.jabatan_kerja import JabatanKerja
    from ..models.klasifikasi import Klasifikasi
    from ..models.kualifikasi import Kualifikasi
    from ..models.lsp import Lsp
    from ..models.reference_item import ReferenceItem
    from ..models.regency import Regency
    from ..models.subklasifikasi import Subklasifikasi
    from ..models.tuk import Tuk


T = TypeVar("T", bound="ReferenceData")


@_attrs_define
class ReferenceData:
    """``list_reference_data``: the codes the sections use, for front ends.

    Attributes:
        provinces (list[ReferenceItem]):
        regencies (list[Regency]):
        klasifikasi (list[Klasifikasi]):
        subklasifikasi (list[Subklasifikasi]):
        kualifikasi (list[Kualifikasi]):
        jabatan_kerja (list[JabatanKerja]):
        education_levels (list[EducationLevel]):
        lsps (list[Lsp]):
        tuks (list[Tuk]):
        asosiasi (list[ReferenceItem]):
    """

    provinces: list[ReferenceItem]
    regencies: list[Regency]
    klasifikasi: list[Klasifikasi]
    subklasifikasi: list[Subklasifikasi]
    kualifikasi: list[Kualifikasi]
    jabatan_kerja: list[JabatanKerja]
    education_levels: list[EducationLevel]
    lsps: list[Lsp]
    tuks: list[Tuk]
    asosiasi: list[ReferenceItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        provinces = []
        for provinces_item_data in self.provinces:
            provinces_item = provinces_item_data.to_dict()
            provinces.append(provinces_item)

        regencies = []
        for regencies_item_data in self.regencies:
            regencies_item = regencies_item_data.to_dict()
            regencies.append(regencies_item)

        klasifikasi = []
        for klasifikasi_item_data in self.klasifikasi:
            klasifikasi_item = klasifikasi_item_data.to_dict()
            klasifikasi.append(klasifikasi_item)

        subklasifikasi = []
        for subklasifikasi_item_data in self.subklasifikasi:
            subklasifikasi_item = subklasifikasi_item_data.to_dict()
            subklasifikasi.append(subklasifikasi_item)

        kualifikasi = []
        for kualifikasi_item_data in self.kualifikasi:
            kualifikasi_item = kualifikasi_item_data.to_dict()
            kualifikasi.append(kualifikasi_item)

        jabatan_kerja = []
        for jabatan_kerja_item_data in self.jabatan_kerja:
            jabatan_kerja_item = jabatan_kerja_item_data.to_dict()
            jabatan_kerja.append(jabatan_kerja_item)

        education_levels = []
        for education_levels_item_data in self.education_levels:
            education_levels_item = education_levels_item_data.to_dict()
            education_levels.append(education_levels_item)

        lsps = []
        for lsps_item_data in self.lsps:
            lsps_item = lsps_item_data.to_dict()
            lsps.append(lsps_item)

        tuks = []
        for tuks_item_data in self.tuks:
            tuks_item = tuks_item_data.to_dict()
            tuks.append(tuks_item)

        asosiasi = []
        for asosiasi_item_data in self.asosiasi:
            asosiasi_item = asosiasi_item_data.to_dict()
            asosiasi.append(asosiasi_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "provinces": provinces,
                "regencies": regencies,
                "klasifikasi": klasifikasi,
                "subklasifikasi": subklasifikasi,
                "kualifikasi": kualifikasi,
                "jabatan_kerja": jabatan_kerja,
                "education_levels": education_levels,
                "lsps": lsps,
                "tuks": tuks,
                "asosiasi": asosiasi,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.education_level import EducationLevel
        from ..models.jabatan_kerja import JabatanKerja
        from ..models.klasifikasi import Klasifikasi
        from ..models.kualifikasi import Kualifikasi
        from ..models.lsp import Lsp
        from ..models.reference_item import ReferenceItem
        from ..models.regency import Regency
        from ..models.subklasifikasi import Subklasifikasi
        from ..models.tuk import Tuk

        d = dict(src_dict)
        provinces = []
        _provinces = d.pop("provinces")
        for provinces_item_data in _provinces:
            provinces_item = ReferenceItem.from_dict(provinces_item_data)

            provinces.append(provinces_item)

        regencies = []
        _regencies = d.pop("regencies")
        for regencies_item_data in _regencies:
            regencies_item = Regency.from_dict(regencies_item_data)

            regencies.append(regencies_item)

        klasifikasi = []
        _klasifikasi = d.pop("klasifikasi")
        for klasifikasi_item_data in _klasifikasi:
            klasifikasi_item = Klasifikasi.from_dict(klasifikasi_item_data)

            klasifikasi.append(klasifikasi_item)

        subklasifikasi = []
        _subklasifikasi = d.pop("subklasifikasi")
        for subklasifikasi_item_data in _subklasifikasi:
            subklasifikasi_item = Subklasifikasi.from_dict(subklasifikasi_item_data)

            subklasifikasi.append(subklasifikasi_item)

        kualifikasi = []
        _kualifikasi = d.pop("kualifikasi")
        for kualifikasi_item_data in _kualifikasi:
            kualifikasi_item = Kualifikasi.from_dict(kualifikasi_item_data)

            kualifikasi.append(kualifikasi_item)

        jabatan_kerja = []
        _jabatan_kerja = d.pop("jabatan_kerja")
        for jabatan_kerja_item_data in _jabatan_kerja:
            jabatan_kerja_item = JabatanKerja.from_dict(jabatan_kerja_item_data)

            jabatan_kerja.append(jabatan_kerja_item)

        education_levels = []
        _education_levels = d.pop("education_levels")
        for education_levels_item_data in _education_levels:
            education_levels_item = EducationLevel.from_dict(education_levels_item_data)

            education_levels.append(education_levels_item)

        lsps = []
        _lsps = d.pop("lsps")
        for lsps_item_data in _lsps:
            lsps_item = Lsp.from_dict(lsps_item_data)

            lsps.append(lsps_item)

        tuks = []
        _tuks = d.pop("tuks")
        for tuks_item_data in _tuks:
            tuks_item = Tuk.from_dict(tuks_item_data)

            tuks.append(tuks_item)

        asosiasi = []
        _asosiasi = d.pop("asosiasi")
        for asosiasi_item_data in _asosiasi:
            asosiasi_item = ReferenceItem.from_dict(asosiasi_item_data)

            asosiasi.append(asosiasi_item)

        reference_data = cls(
            provinces=provinces,
            regencies=regencies,
            klasifikasi=klasifikasi,
            subklasifikasi=subklasifikasi,
            kualifikasi=kualifikasi,
            jabatan_kerja=jabatan_kerja,
            education_levels=education_levels,
            lsps=lsps,
            tuks=tuks,
            asosiasi=asosiasi,
        )

        reference_data.additional_properties = d
        return reference_data

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
