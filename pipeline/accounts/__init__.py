"""People of the one-stop centre: local accounts (argon2id password + TOTP), sessions, and
OpenID Connect login against the province's identity provider."""
