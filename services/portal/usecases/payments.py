"""Paying: the invoice SIKI's events brought, and the proof of payment the applicant uploads
(kept by the portal, sent to SIKI by reference, numbered so that a retry takes effect once). A
proof after the invoice's due date is refused before anything is stored (SIKI checks again)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.portal.db.models import Application, Document
from services.portal.db.repositories import (
    PAYMENT_PROOF_REFERENCE,
    add_timeline,
    own_application,
    own_application_fields,
)
from services.portal.domain.applications import APPLICANT_ACTOR, PROOF_ALLOWED, document_url, require_status
from services.portal.domain.sections import PAYMENT_PROOF_KIND
from services.portal.gateways.siki import SikiGateway
from services.portal.usecases import in_flight
from services.portal.usecases.common import Upload, found
from services.portal.usecases.documents import Documents
from services.portal.usecases.views import DocumentOut, InvoiceOut, PaymentProofOut, document_out
from shared.bus import utcnow
from shared.contracts.documents import DocumentRef
from shared.contracts.siki import Invoice, PaymentProofSubmission
from shared.contracts.states import ApplicationStatus
from shared.database import read_session
from shared.deadlines import PaymentOverdue, payment_late
from shared.exceptions import NotFound
from shared.idempotency_marks import remember, replayed

S = ApplicationStatus


class Payments:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], documents: Documents, siki: SikiGateway,
                 public_url: str) -> None:
        self.sessions = sessions
        self.documents = documents
        self.siki = siki
        self.public_url = public_url

    async def invoice(self, user_id: str, application_id: str) -> InvoiceOut:
        """``get_invoice``: the LSP's invoice, once SIKI's events brought it."""
        async with read_session(self.sessions) as s:
            app = found(await own_application_fields(s, user_id, application_id,
                                                     Application.id, Application.status, Application.invoice))
        if app.invoice is None:
            raise NotFound("no invoice has been issued for this application yet", status_now=app.status,
                           errors=[{"field": "invoice", "message": f"not issued yet (status {app.status})"}])
        return InvoiceOut.model_validate({**app.invoice, "application_id": app.id, "status": app.status})

    async def upload_proof(self, user_id: str, application_id: str, upload: Upload) -> PaymentProofOut:
        """``upload_payment_proof``: kept, sent to SIKI (proof number as idempotency key), recorded.
        The same file again while its proof is in flight sends that proof again (usecases/in_flight.py)."""
        notes = replayed()
        if notes is not None and notes.get("proof_no"):
            # This very request (same Idempotency-Key) recorded SIKI's acceptance in an attempt that
            # died before answering: that proof, before any check (the status has moved past the
            # step). Notes with only the document (a death before SIKI's acceptance was recorded)
            # go the usual way: the in-flight proof is sent again.
            answer = await self._replayed(user_id, application_id, int(notes["proof_no"]), notes.get("document_id"))
            if answer is not None:
                return answer
        async with read_session(self.sessions) as s:
            current = found(await own_application_fields(s, user_id, application_id, Application.status,
                                                         Application.proofs_sent, Application.invoice,
                                                         Application.in_flight, Application.last_seq))
        if current.in_flight is None or current.in_flight.get("action") != "proof":
            self._check_allowed(current.status, current.invoice)  # before anything is stored
        # Committed, with its link to the application, before SIKI hears of it: SIKI and the
        # application's LSP fetch the proof by reference.
        doc = await self.documents.keep(user_id, PAYMENT_PROOF_KIND, upload,
                                        reference=(application_id, PAYMENT_PROOF_REFERENCE))
        request = in_flight.fingerprint(doc.sha256)
        again = in_flight.resendable(current, "proof", request,
                                     allowed_now=current.status in {x.value for x in PROOF_ALLOWED})
        if again is not None:
            proof = PaymentProofSubmission.model_validate(again["command"])
            doc = DocumentOut.model_validate(again["answer"])
        else:
            self._check_allowed(current.status, current.invoice)
            proof = PaymentProofSubmission(
                proof_no=in_flight.next_number(current.in_flight, "proof", current.proofs_sent), uploaded_at=utcnow(),
                document=DocumentRef(**doc.model_dump(), url=document_url(self.public_url, doc.id)),
            )
            await in_flight.remember(self.sessions, user_id, application_id, action="proof", no=proof.proof_no,
                                     request=request, command=proof.model_dump(mode="json"),
                                     answer=doc.model_dump(mode="json"))
        await in_flight.send(self.sessions, user_id, application_id,
                             lambda: self.siki.upload_payment_proof(application_id, proof))
        async with self.sessions() as s, s.begin():
            app = found(await own_application(s, user_id, application_id, for_update=True))
            in_flight.settle(app, "proof", proof.proof_no)
            remember(proof_no=proof.proof_no)  # committed with the acceptance it records
            if app.proofs_sent < proof.proof_no:
                app.proofs_sent = proof.proof_no
                if app.status in {x.value for x in PROOF_ALLOWED}:
                    now = utcnow()
                    app.status = S.PAYMENT_UPLOADED.value
                    app.updated_at = now
                    add_timeline(s, app.id, S.PAYMENT_UPLOADED.value, now, APPLICANT_ACTOR,
                                 f"bukti bayar ke-{proof.proof_no}")
            status = app.status
        return PaymentProofOut(application_id=application_id, status=status, proof_no=proof.proof_no, document=doc)

    async def _replayed(self, user_id: str, application_id: str, proof_no: int,
                        document_id: str | None) -> PaymentProofOut | None:
        """The answer to a replayed proof from what is stored now (None: its document is gone)."""
        async with read_session(self.sessions) as s:
            current = found(await own_application_fields(s, user_id, application_id, Application.status))
            doc = await s.get(Document, document_id) if document_id else None
        if doc is None or doc.user_id != user_id:
            return None
        return PaymentProofOut(application_id=application_id, status=current.status, proof_no=proof_no,
                               document=document_out(doc))

    @staticmethod
    def _check_allowed(status: str, invoice: dict[str, object] | None) -> None:
        require_status(status, PROOF_ALLOWED, "upload a payment proof")
        if invoice:
            due = Invoice.model_validate(invoice).due_date
            if payment_late(due, utcnow()):
                raise PaymentOverdue(due)
