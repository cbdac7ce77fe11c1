"""Development PKI: test CAs, signer certificates, a TSA and an OCSP responder on 127.0.0.1.

It lets signing, LTV and verification run end to end without a real CA, with the same
certificate profiles and pitfalls (whole-second OCSP times, delegated responder, revocation).
Never for production: keys are kept in clear next to their PKCS#12 files.
"""

from pipeline.sign.devpki.create import init_dev_pki
from pipeline.sign.devpki.errors import DevPkiError, DevPkiExists, DevPkiMissing
from pipeline.sign.devpki.layout import DevIdentity, DevPki, load_dev_pki
from pipeline.sign.devpki.server import DevPkiServer

__all__ = ["DevIdentity", "DevPki", "DevPkiError", "DevPkiExists", "DevPkiMissing",
           "DevPkiServer", "init_dev_pki", "load_dev_pki"]
