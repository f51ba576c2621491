from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Jwk")


@_attrs_define
class Jwk:
    """One public key of a party (RFC 8037 OKP), as ``/.well-known/jwks.json`` publishes it.

    Attributes:
        x (str): The public key, base64url
        kid (str):
        iss (str): The party whose service tokens this key signs
        kty (Literal['OKP'] | Unset):  Default: 'OKP'.
        crv (Literal['Ed25519'] | Unset):  Default: 'Ed25519'.
        alg (Literal['EdDSA'] | Unset):  Default: 'EdDSA'.
        use (Literal['sig'] | Unset):  Default: 'sig'.
    """

    x: str
    kid: str
    iss: str
    kty: Literal["OKP"] | Unset = "OKP"
    crv: Literal["Ed25519"] | Unset = "Ed25519"
    alg: Literal["EdDSA"] | Unset = "EdDSA"
    use: Literal["sig"] | Unset = "sig"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        x = self.x

        kid = self.kid

        iss = self.iss

        kty = self.kty

        crv = self.crv

        alg = self.alg

        use = self.use

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "x": x,
                "kid": kid,
                "iss": iss,
            }
        )
        if kty is not UNSET:
            field_dict["kty"] = kty
        if crv is not UNSET:
            field_dict["crv"] = crv
        if alg is not UNSET:
            field_dict["alg"] = alg
        if use is not UNSET:
            field_dict["use"] = use

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        x = d.pop("x")

        kid = d.pop("kid")

        iss = d.pop("iss")

        kty = cast(Literal["OKP"] | Unset, d.pop("kty", UNSET))
        if kty != "OKP" and not isinstance(kty, Unset):
            raise ValueError(f"kty must match const 'OKP', got '{kty}'")

        crv = cast(Literal["Ed25519"] | Unset, d.pop("crv", UNSET))
        if crv != "Ed25519" and not isinstance(crv, Unset):
            raise ValueError(f"crv must match const 'Ed25519', got '{crv}'")

        alg = cast(Literal["EdDSA"] | Unset, d.pop("alg", UNSET))
        if alg != "EdDSA" and not isinstance(alg, Unset):
            raise ValueError(f"alg must match const 'EdDSA', got '{alg}'")

        use = cast(Literal["sig"] | Unset, d.pop("use", UNSET))
        if use != "sig" and not isinstance(use, Unset):
            raise ValueError(f"use must match const 'sig', got '{use}'")

        jwk = cls(
            x=x,
            kid=kid,
            iss=iss,
            kty=kty,
            crv=crv,
            alg=alg,
            use=use,
        )

        jwk.additional_properties = d
        return jwk

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
