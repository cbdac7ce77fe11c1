"""``sohoa pki``: the development PKI (test CAs, TSA, OCSP) for signing without a real CA."""

from __future__ import annotations

from typing import Annotated

import typer

from pipeline.cli.console import err
from pipeline.cli.context import settings_from
from pipeline.sign.devpki import DevPki, DevPkiServer, init_dev_pki, load_dev_pki
from pipeline.sign.devsetup import DEV_OWNER, write_dev_profiles

app = typer.Typer(help="PKI thử nghiệm (CA, máy chủ dấu thời gian, OCSP) chỉ dùng để phát "
                       "triển và kiểm thử, không dùng cho văn bản thật.",
                  no_args_is_help=True)


def _print_urls(pki: DevPki) -> None:
    err.print(f"  Dấu thời gian (TSA): {pki.tsa_url}")
    err.print(f"  OCSP:                {pki.ocsp_url}")
    for url in pki.crl_urls:
        err.print(f"  CRL:                 {url}")
    err.print(f"  Chứng thư CA:        {pki.root_cert_url}, {pki.issuing_cert_url}")


@app.command("init-dev")
def init_dev(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option(
        "--force", help="Tạo lại dù đã có (chứng thư cũ sẽ mất hiệu lực).")] = False,
    owner: Annotated[str, typer.Option(
        "--owner", help="Tài khoản được dùng hồ sơ ký cá nhân thử nghiệm.")] = DEV_OWNER,
) -> None:
    """Tạo PKI thử nghiệm: CA gốc, CA cấp phát, chứng thư lãnh đạo, cơ quan, TSA, OCSP."""
    settings = settings_from(ctx)
    pki = init_dev_pki(settings.sign.pki_path(settings.home), port=settings.sign.dev_pki_port,
                       force=force)
    err.print(f"Đã tạo PKI thử nghiệm trong {pki.directory} [bold](chỉ để thử, không dùng "
              "cho văn bản thật)[/]:")
    err.print(f"  CA gốc:              {pki.root_cert}")
    err.print(f"  Chuỗi chứng thư:     {pki.chain}")
    for identity, role in ((pki.official, "Lãnh đạo"), (pki.seal, "Cơ quan"),
                           (pki.official_revoked, "Đã thu hồi"), (pki.official_ec, "ECDSA")):
        err.print(f"  {role + ':':<20} {identity.p12} ({identity.display_name})")
    err.print(f"  Mật khẩu PKCS#12:    {pki.password_file}")
    _print_urls(pki)
    for path in write_dev_profiles(settings, pki, force=force, owner=owner):
        err.print(f"  Hồ sơ ký:            {path}")
    err.print(f"Hồ sơ ký cá nhân thử nghiệm thuộc tài khoản [bold]{owner}[/] (không tự tạo); "
              f"để ký trên trang: sohoa user add {owner} --name \"…\" --role official. "
              "Con dấu và bản sao: một tài khoản có vai trò clerk.")
    err.print("Chạy `sohoa pki serve-dev` để bật máy chủ dấu thời gian, OCSP và CRL.")


@app.command("root")
def root(ctx: typer.Context) -> None:
    """In chứng thư CA gốc thử nghiệm (PEM) ra đầu ra chuẩn."""
    settings = settings_from(ctx)
    pki = load_dev_pki(settings.sign.pki_path(settings.home))
    typer.echo(pki.root_cert.read_text(encoding="ascii"), nl=False)


@app.command("serve-dev")
def serve_dev(ctx: typer.Context) -> None:
    """Chạy máy chủ PKI thử nghiệm (TSA, OCSP, CRL) cho đến khi nhấn Ctrl-C."""
    settings = settings_from(ctx)
    pki = load_dev_pki(settings.sign.pki_path(settings.home))
    if settings.sign.dev_pki_port != pki.port:
        err.print(f"[yellow]Lưu ý:[/] chứng thư đã tạo với cổng {pki.port}, khác cấu hình "
                  f"({settings.sign.dev_pki_port}); máy chủ chạy ở cổng {pki.port}.")
    server = DevPkiServer(pki)
    err.print(f"Máy chủ PKI thử nghiệm đang chạy tại http://{server.host}:{server.port}:")
    _print_urls(pki)
    err.print("Nhấn Ctrl-C để dừng.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        err.print("Đã dừng máy chủ PKI thử nghiệm.")
