from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SigningKey")


@_attrs_define
class SigningKey:
    """One of LPJK's Ed25519 public keys as a JWK (RFC 8037), with its PEM for convenience.

    Attributes:
        kty (str):
        crv (str):
        alg (str):
        use (str):
        kid (str):
        x (str): the raw public key, base64url without padding
        public_key_pem (str):
    """

    kty: str
    crv: str
    alg: str
    use: str
    kid: str
    x: str
    public_key_pem: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kty = self.kty

        crv = self.crv

        alg = self.alg

        use = self.use

        kid = self.kid

        x = self.x

        public_key_pem = self.public_key_pem

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kty": kty,
                "crv": crv,
                "alg": alg,
                "use": use,
                "kid": kid,
                "x": x,
                "public_key_pem": public_key_pem,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        kty = d.pop("kty")

        crv = d.pop("crv")

        alg = d.pop("alg")

        use = d.pop("use")

        kid = d.pop("kid")

        x = d.pop("x")

        public_key_pem = d.pop("public_key_pem")

        signing_key = cls(
            kty=kty,
            crv=crv,
            alg=alg,
            use=use,
            kid=kid,
            x=x,
            public_key_pem=public_key_pem,
        )

        signing_key.additional_properties = d
        return signing_key

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
