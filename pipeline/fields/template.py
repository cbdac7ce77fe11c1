"""Document-type templates: data files a province can edit without touching Python.

A template (``pipeline/fields/templates/<doc_type>.toml``, plus any folder named in
``fields.template_dirs``) says how to recognise the type (title words near the top, keywords
anywhere, words that rule it out) and how to read each field: after a printed label, by a
regular expression, or by one of the layout methods (the issuing agency in the header, the
signer under the signature). A field also reads the labels the lexicon lists under its
name (``lexicon.toml``), or under the entry its ``lexicon`` key names (``false``: none).
``_``-prefixed templates are bases others ``extends``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import SohoaError
from pipeline.fields import lexicon

BUILTIN_DIR = Path(__file__).resolve().parent / "templates"

KINDS = frozenset({
    "text", "place", "person_name", "agency", "job_title", "date", "gender", "nationality",
    "personal_id", "tax_code", "dossier_code", "procedure_code", "document_number", "phone",
    "email", "money", "procedure_name", "code", "serial",
})
METHODS = frozenset({"agency", "number", "signer", "signer_title", "subject", "place_date",
                     "place_name"})


class TemplateError(SohoaError):
    code = "mau-tai-lieu-sai"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str = "text"
    labels: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()
    method: str | None = None
    #: Search only page 1 before the title (the Decree 30 header), or after it, or anywhere.
    region: str = "all"
    #: Following lines that continue a wrapped value (addresses, subjects).
    continuation: int = 0
    #: Which match wins when several are found.
    pick: str = "first"
    #: A layout method tried only when labels and patterns find nothing.
    fallback: str | None = None
    #: Labels that win over the others wherever they are (the lexicon's ``prefer``).
    prefer: tuple[str, ...] = ()


@dataclass(frozen=True)
class Template:
    doc_type: str
    title: str
    titles: tuple[str, ...]
    keywords: tuple[str, ...]
    exclude: tuple[str, ...]
    required: tuple[str, ...]
    fields: Mapping[str, FieldSpec]
    source: Path
    abstract: bool = False
    extends: tuple[str, ...] = field(default=())
    #: Phrases of a document's last paragraph that name its kind ("... thực hiện Chỉ thị
    #: này"), for a page read without its title (the last page photographed alone).
    closing: tuple[str, ...] = field(default=())


def _strings(data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TemplateError(f"{where}: '{key}' phải là danh sách chuỗi ký tự.")
    return tuple(value)


def _field(name: str, data: Mapping[str, Any], where: str) -> FieldSpec:
    where = f"{where} [fields.{name}]"
    unknown = set(data) - {"kind", "labels", "patterns", "method", "region", "continuation",
                           "pick", "lexicon", "fallback"}
    if unknown:
        raise TemplateError(f"{where}: khóa không hỗ trợ: {', '.join(sorted(unknown))}.")
    kind = str(data.get("kind", "text"))
    if kind not in KINDS:
        raise TemplateError(f"{where}: kiểu '{kind}' không hỗ trợ; chọn một trong "
                            f"{', '.join(sorted(KINDS))}.")
    method = data.get("method")
    fallback = data.get("fallback")
    for chosen in (method, fallback):
        if chosen is not None and chosen not in METHODS:
            raise TemplateError(f"{where}: phương pháp '{chosen}' không hỗ trợ; chọn một "
                                f"trong {', '.join(sorted(METHODS))}.")
    patterns = []
    for text in _strings(data, "patterns", where):
        try:
            pattern = re.compile(text, re.IGNORECASE)
        except re.error as exc:
            raise TemplateError(f"{where}: biểu thức '{text}' sai: {exc}.") from exc
        if "value" not in pattern.groupindex:
            raise TemplateError(f"{where}: biểu thức '{text}' thiếu nhóm (?P<value>...).")
        patterns.append(pattern)
    entry = data.get("lexicon", name)
    words = lexicon.load()
    if entry is not False and (not isinstance(entry, str) or (
            "lexicon" in data and entry not in words.entries)):
        raise TemplateError(f"{where}: lexicon phải là tên một mục của lexicon.toml hoặc "
                            "false.")
    labels = _strings(data, "labels", where)
    if isinstance(entry, str):
        labels = tuple(dict.fromkeys((*labels, *words.labels(entry))))
    if not (labels or patterns or method):
        raise TemplateError(f"{where}: cần ít nhất một trong labels, patterns hoặc method.")
    region = str(data.get("region", "all"))
    if region not in ("all", "header", "body"):
        raise TemplateError(f"{where}: region phải là all, header hoặc body.")
    pick = str(data.get("pick", "first"))
    if pick not in ("first", "last"):
        raise TemplateError(f"{where}: pick phải là first hoặc last.")
    prefer = words.preferred(entry) if isinstance(entry, str) else ()
    return FieldSpec(name, kind, labels, tuple(patterns), method, region,
                     int(data.get("continuation", 0)), pick, fallback, prefer)


def parse(path: Path) -> Template:
    where = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError(f"Không đọc được mẫu {where}: {exc}") from exc
    unknown = set(data) - {"doc_type", "title", "extends", "required", "classify", "fields"}
    if unknown:
        raise TemplateError(f"{where}: khóa không hỗ trợ: {', '.join(sorted(unknown))}.")
    doc_type = str(data.get("doc_type", ""))
    if not re.fullmatch(r"_?[a-z][a-z0-9_]*", doc_type) or doc_type != path.stem:
        raise TemplateError(f"{where}: doc_type phải trùng tên tệp ({path.stem}), chữ thường "
                            "không dấu.")
    classify = data.get("classify", {})
    fields = {name: _field(name, spec, where) for name, spec in data.get("fields", {}).items()}
    return Template(
        doc_type=doc_type,
        title=str(data.get("title", doc_type)),
        titles=_strings(classify, "titles", where),
        keywords=_strings(classify, "keywords", where),
        exclude=_strings(classify, "exclude", where),
        required=_strings(data, "required", where),
        fields=fields,
        source=path,
        abstract=doc_type.startswith("_"),
        extends=_strings(data, "extends", where),
        closing=_strings(classify, "closing", where),
    )


def load(dirs: Iterable[Path] = (), *, abstract: bool = False) -> dict[str, Template]:
    """All templates, built-in first; a later folder's file replaces one of the same type.
    With ``abstract``, the ``_``-prefixed bases are included (resolved like the others)."""
    raw: dict[str, Template] = {}
    for folder in (BUILTIN_DIR, *dirs):
        for path in sorted(folder.glob("*.toml")):
            template = parse(path)
            raw[template.doc_type] = template
    resolved = {name: _resolve(name, raw, ()) for name in raw}
    for template in resolved.values():
        if template.abstract:
            continue
        if not template.titles:
            raise TemplateError(f"{template.source.name}: cần [classify] titles để nhận loại.")
        missing = [f for f in template.required if f not in template.fields]
        if missing:
            raise TemplateError(f"{template.source.name}: trường bắt buộc chưa có cách đọc: "
                                f"{', '.join(missing)}.")
    return {name: t for name, t in resolved.items() if abstract or not t.abstract}


def _resolve(name: str, raw: Mapping[str, Template], seen: tuple[str, ...]) -> Template:
    template = raw[name]
    if name in seen:
        raise TemplateError(f"{template.source.name}: 'extends' vòng tròn: {' → '.join(seen)}.")
    fields: dict[str, FieldSpec] = {}
    required: list[str] = []
    for base in template.extends:
        if base not in raw:
            raise TemplateError(f"{template.source.name}: không có mẫu gốc '{base}'.")
        parent = _resolve(base, raw, (*seen, name))
        fields.update(parent.fields)
        required.extend(parent.required)
    fields.update(template.fields)
    required.extend(r for r in template.required if r not in required)
    return Template(template.doc_type, template.title, template.titles, template.keywords,
                    template.exclude, tuple(dict.fromkeys(required)), fields, template.source,
                    template.abstract, template.extends, template.closing)
