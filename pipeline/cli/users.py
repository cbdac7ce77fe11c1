"""``sohoa user`` (staff accounts) and ``sohoa grant`` (copy signing for a system)."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from pipeline.accounts import totp
from pipeline.accounts.sessions import Sessions
from pipeline.accounts.store import Accounts, open_accounts, parse_roles
from pipeline.api.identity import ROLE_LABELS
from pipeline.cli.console import err, out, print_json
from pipeline.cli.context import settings_from
from pipeline.errors import InputError, NotFound
from pipeline.index import Index, open_index

app = typer.Typer(help="Tài khoản cán bộ (mật khẩu và mã xác thực TOTP, vai trò).",
                  no_args_is_help=True)


def _open(ctx: typer.Context) -> tuple[Accounts, Sessions, Index]:
    settings = settings_from(ctx)
    index = open_index(settings)
    return open_accounts(settings, index), Sessions(index, settings.auth), index


def _password(path: Path | None) -> str:
    if path is not None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise InputError(f"Không đọc được tệp mật khẩu {path}: {exc.strerror}.") from None
        return lines[0] if lines else ""
    first = getpass.getpass("Mật khẩu: ")
    if getpass.getpass("Nhập lại mật khẩu: ") != first:
        raise InputError("Hai lần nhập mật khẩu không khớp; chưa tạo tài khoản.")
    return first


def _show_secret(username: str, secret: str, as_json: bool) -> None:
    uri = totp.provisioning_uri(secret, username)
    if as_json:
        print_json({"username": username, "totp_secret": secret, "totp_uri": uri})
        return
    out.print(uri)
    out.print(f"Khóa TOTP: {secret}")
    err.print("Quét địa chỉ trên (mã QR) hoặc nhập khóa TOTP vào ứng dụng xác thực của người "
              "dùng [bold]ngay bây giờ[/]: khóa không hiển thị lại được.")


@app.command("add")
def add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Tên đăng nhập (chữ thường không dấu).")],
    name: Annotated[str, typer.Option("--name", help="Họ và tên.")],
    role: Annotated[str, typer.Option("--role", help="Vai trò, cách nhau bởi dấu phẩy: "
                                      "scanner, reviewer, official, clerk, admin.")],
    password_file: Annotated[Path | None, typer.Option(
        "--password-file", help="Đọc mật khẩu từ dòng đầu của tệp này thay vì hỏi.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="In dạng JSON.")] = False,
) -> None:
    """Tạo tài khoản; in khóa TOTP một lần duy nhất."""
    accounts, _, _ = _open(ctx)
    roles = parse_roles(role)
    account, secret = accounts.add(username, name, roles, _password(password_file))
    labels = ", ".join(ROLE_LABELS[r] for r in sorted(account.roles))
    err.print(f"Đã tạo tài khoản “{account.name}” ({account.username}; {labels}).")
    _show_secret(account.username, secret, as_json)


@app.command("list")
def list_users(ctx: typer.Context, as_json: Annotated[bool, typer.Option(
        "--json", help="In dạng JSON (mỗi dòng một tài khoản).")] = False) -> None:
    """Liệt kê tài khoản (không bao giờ in mật khẩu hay khóa TOTP)."""
    accounts, _, _ = _open(ctx)
    for account in accounts.list():
        if as_json:
            print_json(account.to_dict())
            continue
        data = account.to_dict()
        state = "vô hiệu hóa" if account.disabled else (
            f"tạm khóa đến {data['locked_until'][:16]}" if data["locked_until"] else "hoạt động")
        labels = ", ".join(ROLE_LABELS[r] for r in sorted(account.roles))
        out.print(f"{account.username}  {account.name}  {labels}  {state}")


@app.command("disable")
def disable(ctx: typer.Context,
            username: Annotated[str, typer.Argument(help="Tên đăng nhập.")]) -> None:
    """Vô hiệu hóa tài khoản và đăng xuất mọi phiên của nó."""
    accounts, sessions, _ = _open(ctx)
    if not accounts.disable(username):
        raise NotFound(f"Không có tài khoản '{username}'.")
    ended = sessions.end_all(username)
    err.print(f"Đã vô hiệu hóa tài khoản {username} (kết thúc {ended} phiên đăng nhập).")


@app.command("reset-totp")
def reset_totp(ctx: typer.Context,
               username: Annotated[str, typer.Argument(help="Tên đăng nhập.")],
               as_json: Annotated[bool, typer.Option("--json", help="In dạng JSON.")] = False,
               ) -> None:
    """Cấp khóa TOTP mới (khóa cũ hết hiệu lực, các phiên bị đăng xuất, gỡ tạm khóa)."""
    accounts, sessions, _ = _open(ctx)
    secret = accounts.reset_totp(username)
    sessions.end_all(username)
    _show_secret(username, secret, as_json)


def grant(
    ctx: typer.Context,
    profile: Annotated[str | None, typer.Argument(help="Hồ sơ ký bản sao (vd. copy).")] = None,
    client: Annotated[str | None, typer.Option("--client", help="Mã khóa API của hệ "
                                               "thống (sohoa apikey list).")] = None,
    revoke: Annotated[bool, typer.Option("--revoke", help="Thu hồi quyền đã cấp.")] = False,
    show: Annotated[bool, typer.Option("--list", help="Liệt kê quyền đã cấp.")] = False,
) -> None:
    """Cho một hệ thống dùng hồ sơ ký bản sao điện tử (chỉ hồ sơ role copy; không bao giờ
    hồ sơ ký cá nhân hay con dấu)."""
    from pipeline.api.keys import ApiKeys
    from pipeline.sign.profiles import Role, load_profile
    from pipeline.sign.state import Grants

    settings = settings_from(ctx)
    grants = Grants(open_index(settings))
    if show:
        for item in grants.list():
            out.print(f"{item.profile}  {item.client_id}  {item.granted_at[:19]}")
        return
    if not profile or not client:
        raise InputError("Cần tên hồ sơ ký và --client MÃ_KHÓA (hoặc --list).")
    if revoke:
        if not grants.revoke(profile, client):
            raise NotFound(f"Hệ thống {client} chưa được cấp hồ sơ ký '{profile}'.")
        err.print(f"Đã thu hồi quyền dùng hồ sơ ký '{profile}' của hệ thống {client}.")
        return
    if load_profile(settings, profile).role is not Role.COPY:
        raise InputError(f"Chỉ hồ sơ ký bản sao (role = \"copy\") được cấp cho hệ thống; hồ sơ "
                         f"'{profile}' thì không bao giờ.")
    known = {c.id: (c, revoked) for c, revoked, _ in ApiKeys(grants.index).list()}
    if client not in known or known[client][1]:
        raise NotFound(f"Không có khóa API còn hiệu lực mã {client} (sohoa apikey list).")
    grants.grant(profile, client)
    err.print(f"Hệ thống “{known[client][0].name}” ({client}) được dùng hồ sơ ký '{profile}'.")
