// The officials' signing page: the queue of documents awaiting a signer profile, a page
// preview with the fields read, batch signing with progress, and what was signed.
//
// No dependencies and no network beyond this origin. The person is logged in by the server
// (an HttpOnly session cookie this script never sees); every request changing anything
// carries the session's CSRF token (X-CSRF-Token), and without a session the page goes to
// the login page. Only the profiles the person may use are listed; a "pin" profile asks for
// the PIN of the batch in a dialog, sends it with the job and forgets it. Each document is
// sent with the SHA-256 of the version shown, so a document changed meanwhile is not signed.
// Page previews are shown from blob URLs. Every text the official sees is Vietnamese;
// server errors show the server's own Vietnamese message.
"use strict";

(() => {
  const STORE_PROFILE = "sohoa.profile";
  const STORE_JOB = "sohoa.signingJob";
  const PAGE_SIZE = 50;
  const POLL_MS = 600;
  const PREVIEW_PAGES = 3; // more on request

  const ACTIVATIONS = {
    pin: "nhập mã PIN cho mỗi lô",
    agent: "thiết bị ký của người ký (sohoa agent)",
    csc: "dịch vụ ký từ xa, mã xác thực một lần",
    unattended: "THỬ NGHIỆM, không cần kích hoạt",
  };
  const ROLES = {
    official: "Chữ ký của người có thẩm quyền",
    seal: "Chữ ký số của cơ quan (thay con dấu)",
    copy: "Ký bản sao điện tử",
  };
  const OUTCOMES = {
    signed: "Đã ký",
    adopted: "Đã ký (hoàn tất từ lần ký bị gián đoạn)",
    skipped: "Bỏ qua",
    failed: "Lỗi",
  };
  const DOC_TYPES = {
    ban_ghi_nho: "Bản ghi nhớ", ban_thoa_thuan: "Bản thỏa thuận", bao_cao: "Báo cáo",
    bien_ban: "Biên bản", bien_lai: "Biên lai thu phí, lệ phí", can_cuoc: "Thẻ căn cước",
    chi_thi: "Chỉ thị", chuong_trinh: "Chương trình", cong_dien: "Công điện",
    cong_van: "Công văn", de_an: "Đề án", du_an: "Dự án",
    giay_chung_nhan_dkdn: "Giấy chứng nhận đăng ký doanh nghiệp",
    giay_gioi_thieu: "Giấy giới thiệu", giay_moi: "Giấy mời", giay_nghi_phep: "Giấy nghỉ phép",
    giay_tiep_nhan: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", giay_uy_quyen: "Giấy ủy quyền",
    hop_dong: "Hợp đồng", huong_dan: "Hướng dẫn", ke_hoach: "Kế hoạch",
    nghi_dinh: "Nghị định", nghi_quyet: "Nghị quyết", phieu_bao: "Phiếu báo",
    phieu_chuyen: "Phiếu chuyển", phieu_gui: "Phiếu gửi", phuong_an: "Phương án",
    quy_che: "Quy chế", quy_dinh: "Quy định", quyet_dinh: "Quyết định",
    thong_bao: "Thông báo", thong_cao: "Thông cáo", thu_cong: "Thư công",
    to_khai: "Tờ khai, đơn đề nghị", to_trinh: "Tờ trình",
    trich_luc_khai_sinh: "Trích lục khai sinh", unknown: "Chưa xác định",
  };
  const FIELDS = {
    chuc_vu: "Chức vụ", co_gia_tri_den: "Có giá trị đến",
    co_quan_ban_hanh: "Cơ quan ban hành", dia_chi_tru_so: "Địa chỉ trụ sở", email: "Thư điện tử",
    gioi_tinh: "Giới tính", ho_ten: "Họ và tên", ho_ten_cha: "Họ tên cha", ho_ten_me: "Họ tên mẹ",
    ma_ho_so: "Mã hồ sơ", ma_so_doanh_nghiep: "Mã số doanh nghiệp", ma_so_thue: "Mã số thuế",
    ma_thu_tuc: "Mã thủ tục", ngay_ban_hanh: "Ngày ban hành", ngay_dang_ky: "Ngày đăng ký",
    ngay_hen_tra: "Ngày hẹn trả", ngay_nhan: "Ngày nhận", ngay_sinh: "Ngày sinh",
    nguoi_dai_dien: "Người đại diện", nguoi_ky: "Người ký", nguoi_nop: "Người nộp",
    noi_cu_tru: "Nơi cư trú", noi_dung_thu: "Nội dung thu", noi_sinh: "Nơi sinh",
    noi_thuong_tru: "Nơi thường trú", que_quan: "Quê quán", quoc_tich: "Quốc tịch",
    so_dien_thoai: "Số điện thoại", so_dinh_danh: "Số định danh cá nhân",
    so_ky_hieu: "Số, ký hiệu", so_tien: "Số tiền", ten_doanh_nghiep: "Tên doanh nghiệp",
    ten_thu_tuc: "Tên thủ tục", trich_yeu: "Trích yếu",
  };

  // Certificate subject attributes as the server names them, in Vietnamese.
  const SUBJECT = {
    "Common Name": "Tên", Title: "Chức danh", "Organizational Unit": "Đơn vị",
    Organization: "Cơ quan", Locality: "Địa phương", "State/Province": "Tỉnh, thành phố",
    Country: "Quốc gia", "User ID": "Mã định danh", "Email Address": "Thư điện tử",
    "Serial Number": "Số hiệu",
  };

  const $ = (id) => document.getElementById(id);
  const state = {
    csrf: "",
    profile: "",
    profiles: [], // what the person may use: {name, role, activation, owner, dev}
    rows: [], // queue items in display order
    next: null,
    total: 0,
    selected: new Set(),
    names: new Map(), // document id -> file name, for the signed list
    details: new Map(), // document id -> number and subject read
    job: null, // the job being followed
    shown: new Set(), // "<job>/<document>" already in the signed list
    busy: false, // a job is running
    signing: new Set(), // documents of the job started from this page
    current: null, // document id in the preview
    previewToken: 0,
    queueToken: 0,
    previewUrls: [],
  };

  // --- small helpers -------------------------------------------------------------------

  /** An element with attributes and children (text is always set as text, never HTML). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") node.textContent = String(value);
      else if (name === "className") node.className = value;
      else if (name === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const dateFormat = (() => {
    try {
      return new Intl.DateTimeFormat("vi-VN", {
        dateStyle: "short", timeStyle: "short", timeZone: "Asia/Ho_Chi_Minh",
      });
    } catch {
      return null;
    }
  })();
  const percent = new Intl.NumberFormat("vi-VN", { style: "percent", maximumFractionDigits: 0 });

  function formatDate(iso) {
    if (!iso) return "—";
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    return dateFormat ? dateFormat.format(date) : date.toLocaleString("vi-VN");
  }

  function formatValue(value) {
    if (value === null || value === undefined || value === "") return "—";
    if (Array.isArray(value)) return value.map(formatValue).join("; ");
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
  }

  const docTypeLabel = (type) => DOC_TYPES[type] || type || "—";

  /** A signer's subject ("Common Name: A, Title: B, …") as "A (B, unit, agency)". */
  function signerText(subject) {
    if (!subject) return "—";
    const parts = {};
    for (const piece of String(subject).split(/, (?=[A-Z][A-Za-z/ ]*: )/)) {
      const at = piece.indexOf(": ");
      if (at > 0) parts[piece.slice(0, at)] = piece.slice(at + 2);
    }
    const name = parts["Common Name"];
    if (!name) {
      // not the expected shape: translate the attribute names, keep everything
      return String(subject).replace(/(^|, )([A-Z][A-Za-z/ ]*): /g,
        (match, lead, key) => `${lead}${SUBJECT[key] || key}: `);
    }
    const about = [parts.Title, parts["Organizational Unit"], parts.Organization]
      .filter(Boolean);
    return about.length ? `${name} (${about.join(", ")})` : name;
  }
  const fieldLabel = (name) => FIELDS[name] || name;

  function announce(text) {
    $("status").textContent = text;
  }

  function showError(error) {
    const box = $("error");
    if (!error) {
      box.hidden = true;
      box.textContent = "";
      return;
    }
    const message = error.message || "Đã xảy ra lỗi không xác định.";
    box.textContent = error.requestId ? `${message} (Mã yêu cầu: ${error.requestId})` : message;
    box.hidden = false;
  }

  // --- the API -------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, code, message, requestId) {
      super(message);
      this.status = status;
      this.code = code;
      this.requestId = requestId || null;
    }
  }

  /** A call to the API with the official's key; throws ApiError with the server's message. */
  async function api(path, options = {}) {
    const headers = new Headers(options.headers || {});
    const method = options.method || "GET";
    if (method !== "GET") headers.set("X-CSRF-Token", state.csrf);
    if (!headers.has("Accept")) headers.set("Accept", "application/json");
    let body;
    if (options.json !== undefined) {
      headers.set("Content-Type", "application/json");
      body = JSON.stringify(options.json);
    }
    let response;
    try {
      response = await fetch(new URL(path, document.baseURI), {
        method, headers, body,
        cache: "no-store", credentials: "same-origin", signal: options.signal,
      });
    } catch (error) {
      if (error && error.name === "AbortError") throw error;
      throw new ApiError(0, "khong-ket-noi",
        "Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.");
    }
    if (response.ok) return response;
    let code = "loi-http";
    let message = `Máy chủ trả lỗi ${response.status}.`;
    let requestId = response.headers.get("X-Request-ID");
    try {
      const data = await response.json();
      if (data && data.error) {
        code = data.error.code || code;
        message = data.error.message || message;
        requestId = data.error.request_id || requestId;
      }
    } catch {
      // not JSON: keep the generic message
    }
    const error = new ApiError(response.status, code, message, requestId);
    if (response.status === 401) signedOut(error);
    throw error;
  }

  const apiJson = async (path, options) => (await api(path, options)).json();

  // --- the session and the profiles ---------------------------------------------------

  /** No session (never logged in, expired, logged out elsewhere): to the login page. */
  function signedOut() {
    stopFollowing();
    window.location.assign(new URL("dang-nhap", document.baseURI));
  }

  async function connect() {
    showError(null);
    announce("Đang tải…");
    let me;
    let profiles;
    try {
      me = await apiJson("v1/session");
      state.csrf = me.csrf;
      $("logout-csrf").value = me.csrf;
      const roles = (me.roles || []).map((r) => r.label).join(", ");
      $("who").textContent = `Đăng nhập: ${me.name} (${me.username}) — ${roles}`;
      profiles = (await apiJson("v1/signing/profiles")).items || [];
    } catch (error) {
      if (error.status !== 401) showError(error);
      announce("");
      return;
    }
    state.profiles = profiles;
    const select = $("profile");
    select.replaceChildren();
    for (const profile of profiles) {
      const role = ROLES[profile.role] || profile.role;
      const how = ACTIVATIONS[profile.activation] || profile.activation;
      select.append(el("option", { value: profile.name, text: `${profile.name} — ${role} (${how})` }));
    }
    if (!profiles.length) {
      $("profile-row").hidden = true;
      $("workspace").hidden = true;
      showError({ message: "Tài khoản của bạn không được dùng hồ sơ ký nào. Hồ sơ ký cá nhân "
        + "do quản trị viên cấu hình cho chính bạn; con dấu và bản sao dành cho văn thư." });
      announce("");
      return;
    }
    const names = profiles.map((p) => p.name);
    const saved = sessionStorage.getItem(STORE_PROFILE);
    select.value = names.includes(saved) ? saved : names[0];
    state.profile = select.value;
    $("profile-row").hidden = false;
    $("workspace").hidden = false;
    announce("Sẵn sàng.");
    await loadQueue(true);
    const job = sessionStorage.getItem(STORE_JOB);
    if (job && !state.job) follow(job);
  }

  const profileOf = (name) => state.profiles.find((p) => p.name === name) || null;

  /** The PIN (or one-time code) of this batch, asked in a dialog; null if cancelled. */
  function askSecret(profile, count) {
    const dialog = $("pin-dialog");
    const otp = profile.activation === "csc";
    $("pin-label").textContent = otp ? "Mã xác thực một lần" : "Mã PIN của khóa ký";
    $("pin-what").textContent = `Ký ${count} tài liệu bằng hồ sơ ký ${profile.name}. `
      + "Mã chỉ dùng cho lô ký này và không được lưu.";
    $("pin").value = "";
    return new Promise((resolve) => {
      const done = (value) => {
        $("pin-form").onsubmit = null;
        $("pin-cancel").onclick = null;
        dialog.onclose = null;
        $("pin").value = "";
        if (dialog.open) dialog.close();
        resolve(value);
      };
      $("pin-form").onsubmit = (event) => {
        event.preventDefault();
        const value = $("pin").value;
        if (value) done(value);
      };
      $("pin-cancel").onclick = () => done(null);
      dialog.onclose = () => done(null);
      dialog.showModal();
      $("pin").focus();
    });
  }

  // --- the queue -----------------------------------------------------------------------

  async function loadQueue(reset) {
    if (!state.profile) return;
    const table = $("queue");
    table.setAttribute("aria-busy", "true");
    const token = ++state.queueToken;
    const params = new URLSearchParams({ profile: state.profile, limit: String(PAGE_SIZE) });
    if (!reset && state.next) params.set("cursor", state.next);
    try {
      const page = await apiJson(`v1/signing/queue?${params}`);
      if (token !== state.queueToken) return; // a newer load (another profile) wins
      const items = page.items || [];
      state.rows = reset ? items : state.rows.concat(items);
      state.next = page.next || null;
      state.total = page.total || 0;
      for (const item of items) {
        state.names.set(item.id, item.filename);
        state.details.set(item.id, detailOf(item.fields));
      }
      const present = new Set(state.rows.map((r) => r.id));
      for (const id of [...state.selected]) if (!present.has(id)) state.selected.delete(id);
      renderQueue();
    } catch (error) {
      if (token === state.queueToken) showError(error);
    } finally {
      if (token === state.queueToken) table.setAttribute("aria-busy", "false");
    }
  }

  function renderQueue() {
    const body = $("queue-body");
    body.replaceChildren(...state.rows.map(queueRow));
    $("queue-empty").hidden = state.rows.length > 0;
    $("queue").hidden = state.rows.length === 0;
    $("more").hidden = !state.next;
    const shown = state.rows.length;
    $("queue-summary").textContent = state.total === 0 ? ""
      : shown < state.total ? `Đang hiển thị ${shown} trong ${state.total} tài liệu chờ ký.`
        : `${state.total} tài liệu chờ ký.`;
    updateSelection();
  }

  /** The number and subject read, to tell documents apart at a glance. */
  function detailOf(fields) {
    const value = (name) => fields && fields[name] && fields[name].value;
    return [value("so_ky_hieu"), value("trich_yeu")].filter(Boolean).map(formatValue)
      .join(" · ");
  }

  function queueRow(item) {
    const detail = detailOf(item.fields);
    const name = item.filename || item.id;
    const check = el("input", {
      type: "checkbox", className: "row-check", "data-testid": "row-check",
      "aria-label": `Chọn ${name}`, value: item.id,
    });
    check.checked = state.selected.has(item.id);
    check.disabled = state.busy;
    const open = el("button", {
      type: "button", className: "link", "data-testid": "row-open",
      "aria-current": state.current === item.id ? "true" : null,
    }, name);
    return el("tr", {
      dataset: { id: item.id }, "data-testid": "queue-row",
      className: state.current === item.id ? "current" : null,
    },
    el("td", { className: "check" }, check),
    el("td", {}, open, detail ? el("div", { className: "sub", title: detail }, detail) : null),
    el("td", {}, docTypeLabel(item.doc_type)),
    el("td", { className: "num" }, String(item.pages ?? "—")),
    el("td", { className: "date" }, formatDate(item.created_at)));
  }

  function updateSelection() {
    const ids = state.rows.map((r) => r.id);
    const chosen = ids.filter((id) => state.selected.has(id)).length;
    const all = $("select-all");
    all.checked = ids.length > 0 && chosen === ids.length;
    all.indeterminate = chosen > 0 && chosen < ids.length;
    all.disabled = state.busy || ids.length === 0;
    const button = $("sign");
    button.disabled = state.busy || state.selected.size === 0;
    button.textContent = state.selected.size
      ? `Ký các tài liệu đã chọn (${state.selected.size})` : "Ký các tài liệu đã chọn";
    for (const box of $("queue-body").querySelectorAll("input.row-check")) {
      box.checked = state.selected.has(box.value);
      box.disabled = state.busy;
    }
    $("profile").disabled = state.busy;
  }

  // --- the preview ---------------------------------------------------------------------

  function clearPreviewImages() {
    for (const url of state.previewUrls) URL.revokeObjectURL(url);
    state.previewUrls = [];
    $("preview-pages").replaceChildren();
  }

  function markCurrent() {
    for (const row of $("queue-body").querySelectorAll("tr")) {
      const on = row.dataset.id === state.current;
      row.classList.toggle("current", on);
      const button = row.querySelector("button.link");
      if (button) {
        if (on) button.setAttribute("aria-current", "true");
        else button.removeAttribute("aria-current");
      }
    }
  }

  async function preview(id) {
    const token = ++state.previewToken;
    state.current = id;
    markCurrent();
    clearPreviewImages();
    const body = $("preview-body");
    $("preview-empty").hidden = true;
    body.hidden = false;
    body.setAttribute("aria-busy", "true");
    $("preview-title").textContent = state.names.get(id) || id;
    $("fields-body").replaceChildren();
    $("fields-empty").hidden = true;
    $("signatures").hidden = true;
    let record;
    try {
      record = await apiJson(`v1/documents/${encodeURIComponent(id)}`);
    } catch (error) {
      if (token === state.previewToken) {
        showError(error);
        body.setAttribute("aria-busy", "false");
      }
      return;
    }
    if (token !== state.previewToken) return;
    const filename = (record.source && record.source.filename) || id;
    state.names.set(id, filename);
    $("preview-title").textContent = `${filename} — ${docTypeLabel(record.doc_type)}`;
    renderFields(record.fields || {});
    renderSignatures(record.signatures || []);
    const pages = (record.pages || []).length || 1;
    await showPages(id, 1, Math.min(pages, PREVIEW_PAGES), pages, token);
    if (token === state.previewToken) body.setAttribute("aria-busy", "false");
  }

  function previewWidth() {
    const box = $("preview-pages").clientWidth || 800;
    const wanted = Math.round((box * (window.devicePixelRatio || 1)) / 100) * 100;
    return Math.max(400, Math.min(1600, wanted));
  }

  async function showPages(id, first, last, count, token) {
    const holder = $("preview-pages");
    const name = state.names.get(id) || id;
    const old = holder.querySelector("button.more-pages");
    if (old) old.remove();
    for (let number = first; number <= last; number += 1) {
      const figure = el("figure", { className: "page", "data-testid": "preview-page" },
        el("figcaption", {}, `Trang ${number}/${count}`));
      holder.append(figure);
      try {
        const response = await api(
          `v1/documents/${encodeURIComponent(id)}/pages/${number}?width=${previewWidth()}`,
          { headers: { Accept: "image/png" } });
        const blob = await response.blob();
        if (token !== state.previewToken) return;
        const url = URL.createObjectURL(blob);
        state.previewUrls.push(url);
        const image = el("img", {
          src: url, alt: `Trang ${number} của ${name}`, "data-testid": "preview-image",
        });
        figure.prepend(image);
        await image.decode().catch(() => undefined);
      } catch (error) {
        if (token !== state.previewToken) return;
        figure.append(el("p", { className: "empty" }, error.message));
      }
    }
    if (last < count && token === state.previewToken) {
      const more = el("button", { type: "button", className: "secondary more-pages" },
        `Xem thêm trang (còn ${count - last} trang)`);
      more.addEventListener("click", () => {
        showPages(id, last + 1, Math.min(count, last + PREVIEW_PAGES), count, token);
      });
      holder.append(more);
    }
  }

  function renderFields(fields) {
    const rows = Object.entries(fields).filter(([, f]) => f && typeof f === "object");
    $("fields-empty").hidden = rows.length > 0;
    $("fields").hidden = rows.length === 0;
    $("fields-body").replaceChildren(...rows.map(([name, field]) => {
      let check = "Chưa kiểm tra";
      let kind = "unknown";
      if (field.valid === true) {
        check = "Hợp lệ";
        kind = "ok";
      } else if (field.valid === false) {
        check = field.reason ? `Không hợp lệ: ${field.reason}` : "Không hợp lệ";
        kind = "bad";
      }
      const confidence = typeof field.confidence === "number"
        ? percent.format(field.confidence) : "—";
      return el("tr", { dataset: { field: name }, "data-testid": "field-row" },
        el("th", { scope: "row", title: name }, fieldLabel(name)),
        el("td", {}, formatValue(field.value)),
        el("td", { className: `valid-${kind}` }, check),
        el("td", { className: "num" }, confidence));
    }));
  }

  function renderSignatures(signatures) {
    $("signatures").hidden = signatures.length === 0;
    $("signatures-list").replaceChildren(...signatures.map((s) => el("li",
      { "data-testid": "signature" },
      el("strong", {}, signerText(s.signer)),
      ` — ${ROLES[s.role] || s.role}, mức ${s.level}, ký lúc ${formatDate(s.signed_at)}`)));
  }

  // --- signing -------------------------------------------------------------------------

  async function signSelected() {
    const rows = state.rows.filter((r) => state.selected.has(r.id));
    const ids = rows.map((r) => r.id);
    if (!ids.length || state.busy) return;
    showError(null);
    const profile = profileOf(state.profile);
    if (!profile) return;
    if (profile.activation === "agent") {
      showError({ message: "Hồ sơ ký này ký bằng thiết bị ký của bạn qua sohoa agent." });
      return;
    }
    const body = {
      profile: state.profile, documents: ids,
      shown: Object.fromEntries(rows.map((r) => [r.id, r.sha256])),
    };
    if (profile.activation === "pin" || profile.activation === "csc") {
      const secret = await askSecret(profile, ids.length);
      if (secret === null) {
        announce("Đã hủy; chưa ký tài liệu nào.");
        return;
      }
      body[profile.activation === "pin" ? "pin" : "otp"] = secret;
    }
    setBusy(true);
    announce(`Đang gửi yêu cầu ký ${ids.length} tài liệu…`);
    let job;
    try {
      job = await apiJson("v1/signing/jobs", { method: "POST", json: body });
      delete body.pin;
      delete body.otp;
    } catch (error) {
      setBusy(false);
      showError(error);
      announce("");
      return;
    }
    state.signing = new Set(ids);
    sessionStorage.setItem(STORE_JOB, job.id);
    follow(job.id, job);
  }

  function setBusy(busy) {
    state.busy = busy;
    $("refresh").disabled = busy;
    updateSelection();
  }

  let pollTimer = null;

  function stopFollowing() {
    if (pollTimer !== null) clearTimeout(pollTimer);
    pollTimer = null;
    state.job = null;
  }

  /** Follow a job until it ends, polling its progress. */
  function follow(id, first) {
    stopFollowing();
    state.job = id;
    setBusy(true);
    $("job").hidden = false;
    $("job-signer").hidden = true;
    let failures = 0;
    const tick = async (known) => {
      if (state.job !== id) return;
      let job = known;
      if (!job) {
        try {
          job = await apiJson(`v1/signing/jobs/${encodeURIComponent(id)}`);
          failures = 0;
        } catch (error) {
          if (state.job !== id) return;
          if (error.status === 404) {
            finish(id);
            showError({ message: "Máy chủ không còn giữ lô ký này (có thể máy chủ đã khởi động "
              + "lại). Làm mới hàng chờ để xem tài liệu nào vẫn đang chờ ký." });
            return;
          }
          if (error.status === 401) return;
          failures += 1;
          announce(`Mất kết nối khi theo dõi lô ký, đang thử lại (lần ${failures})…`);
          pollTimer = setTimeout(() => tick(null), Math.min(10000, POLL_MS * 2 ** failures));
          return;
        }
      }
      if (state.job !== id) return;
      showProgress(job);
      if (job.state === "running") {
        pollTimer = setTimeout(() => tick(null), POLL_MS);
        return;
      }
      finish(id);
      if (job.state === "failed") {
        showError({ message: `Lô ký dừng lại: ${job.error || "lỗi không xác định"}` });
      }
      if (job.signer) {
        $("job-signer").textContent = `Người ký: ${signerText(job.signer)}`;
        $("job-signer").hidden = false;
      }
      announce(summary(job));
      await loadQueue(true);
    };
    tick(first || null);
  }

  function finish(id) {
    if (state.job === id) state.job = null;
    pollTimer = null;
    sessionStorage.removeItem(STORE_JOB);
    setBusy(false);
  }

  function counts(job) {
    const out = { signed: 0, skipped: 0, failed: 0 };
    for (const item of job.items || []) {
      if (item.outcome === "signed" || item.outcome === "adopted") out.signed += 1;
      else if (item.outcome === "skipped") out.skipped += 1;
      else out.failed += 1;
    }
    return out;
  }

  function summary(job) {
    const c = counts(job);
    const parts = [`Lô ký đã xong: đã ký ${c.signed}/${job.total} tài liệu`];
    if (c.skipped) parts.push(`bỏ qua ${c.skipped}`);
    if (c.failed) parts.push(`lỗi ${c.failed}`);
    return job.state === "failed" ? `Lô ký dừng lại sau ${job.processed}/${job.total} tài liệu.`
      : `${parts.join(", ")}.`;
  }

  function showProgress(job) {
    const bar = $("progress");
    bar.max = Math.max(1, job.total);
    bar.value = job.processed;
    const c = counts(job);
    let text = `Đã ký ${c.signed}/${job.total}`;
    if (c.skipped) text += `, bỏ qua ${c.skipped}`;
    if (c.failed) text += `, lỗi ${c.failed}`;
    if (job.state === "running") text += " — đang ký…";
    $("progress-text").textContent = text;
    $("job").dataset.state = job.state;
    for (const item of job.items || []) addResult(job.id, item);
    const finished = new Set((job.items || []).map((i) => i.document));
    for (const row of $("queue-body").querySelectorAll("tr")) {
      row.classList.toggle("signing", job.state === "running"
        && state.signing.has(row.dataset.id) && !finished.has(row.dataset.id));
    }
    updateSelection();
  }

  function addResult(jobId, item) {
    const key = `${jobId}/${item.document}`;
    if (state.shown.has(key)) return;
    state.shown.add(key);
    state.selected.delete(item.document);
    const name = state.names.get(item.document);
    const open = el("button", { type: "button", className: "link", "data-testid": "signed-open" },
      name || item.document);
    open.addEventListener("click", () => preview(item.document));
    const entry = el("li", {
      dataset: { id: item.document, outcome: item.outcome, job: jobId },
      "data-testid": "signed-item", className: `outcome-${item.outcome}`,
    },
    open,
    el("span", { className: "badge", "data-testid": "signed-outcome" },
      OUTCOMES[item.outcome] || item.outcome),
    item.message ? el("span", { className: "message", "data-testid": "signed-message" },
      item.message) : null,
    state.details.get(item.document)
      ? el("span", { className: "sub" }, state.details.get(item.document)) : null);
    $("signed-list").prepend(entry);
    $("signed-empty").hidden = true;
    if (!name) {
      apiJson(`v1/documents/${encodeURIComponent(item.document)}`).then((record) => {
        const filename = record.source && record.source.filename;
        if (filename) {
          state.names.set(item.document, filename);
          open.textContent = filename;
        }
      }).catch(() => undefined);
    }
  }

  // --- wiring --------------------------------------------------------------------------

  function start() {
    $("profile").addEventListener("change", () => {
      state.profile = $("profile").value;
      sessionStorage.setItem(STORE_PROFILE, state.profile);
      state.selected.clear();
      showError(null);
      loadQueue(true);
    });
    $("refresh").addEventListener("click", () => {
      showError(null);
      loadQueue(true);
    });
    $("more").addEventListener("click", () => loadQueue(false));
    $("select-all").addEventListener("change", (event) => {
      for (const row of state.rows) {
        if (event.target.checked) state.selected.add(row.id);
        else state.selected.delete(row.id);
      }
      updateSelection();
    });
    $("queue-body").addEventListener("change", (event) => {
      const box = event.target;
      if (!(box instanceof HTMLInputElement) || !box.classList.contains("row-check")) return;
      if (box.checked) state.selected.add(box.value);
      else state.selected.delete(box.value);
      updateSelection();
    });
    $("queue-body").addEventListener("click", (event) => {
      const target = event.target;
      if (target instanceof HTMLInputElement) return; // the checkbox selects
      const row = target instanceof Element ? target.closest("tr") : null;
      if (row && row.dataset.id) preview(row.dataset.id);
    });
    $("sign").addEventListener("click", signSelected);

    connect();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
