"""``skk verify``: check an SKK certificate (its PDF, its QR payload or its Verifiable Credential)
offline, against LPJK's trust list and status lists downloaded beforehand (``skk fetch-trust``).

- :mod:`.inputs` loads the trust list and checks the status lists;
- :mod:`.checks` judges a PDF, a QR payload or a credential, check by check;
- :mod:`.messages` says what each check found, in Bahasa Indonesia or English;
- :mod:`.cli` is the command line (and ``fetch-trust``, its only networked part).
"""
