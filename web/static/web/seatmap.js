// The seat map: the hall drawn from the session's layout; select seats with the
// mouse or the keyboard (arrows move, Enter/Space select), hold, pay.
"use strict";

(function seatMap() {
  const sessionId = CONFIG.session;
  const hallEl = document.getElementById("hall");
  const chosenEl = document.getElementById("chosen");
  const totalEl = document.getElementById("total");
  const message = document.getElementById("message");
  const holdButton = document.getElementById("hold");
  const payBox = document.getElementById("pay-box");
  const payForm = document.getElementById("pay-form");
  const countdownEl = document.getElementById("countdown");
  document.getElementById("total-label").textContent = T.total;
  document.getElementById("countdown-label").textContent = T.heldUntil;

  let seats = [];                 // from the API
  const selected = new Map();     // "row-seat" → seat
  let buttons = new Map();        // "row-seat" → button
  let hold = JSON.parse(sessionStorage.getItem(`hold:${sessionId}`) || "null");
  let timer = null;
  const key = (s) => `${s.row}-${s.seat}`;

  function say(text, kind = "") { message.textContent = text; message.className = `message ${kind}`; }

  async function loadHead() {
    const s = await api(`/sessions/${sessionId}/`);
    document.title = `${s.movie.title} · ${localDateTime(s.starts_at)}`;
    document.getElementById("session-head").replaceChildren(
      el("h1", {}, s.movie.title, " ", el("span", { class: "age", text: s.movie.age_rating })),
      el("p", { class: "meta", text: `${s.cinema.name}, ${s.cinema.address} · ${s.hall.name} · ${localDateTime(s.starts_at)} · ${s.format.toUpperCase()}` }));
  }

  async function loadSeats() {
    const data = await api(`/sessions/${sessionId}/seats/`);
    seats = data.seats;
    if (!hold) {
      for (const [k] of [...selected]) {   // keep only what is still free
        const now = seats.find((x) => key(x) === k);
        if (!now || now.status !== "free") selected.delete(k);
      }
    }
    draw(data);
    update();
  }

  function label(s) {
    const state = selected.has(key(s)) ? T.selected : T[s.status];
    return `${T.row} ${s.row}, ${T.seat} ${s.seat}, ${T[s.category]}, ${money(s.price)}, ${state}`;
  }

  function draw(data) {
    const focusedKey = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.key : null;
    const columns = Math.max(...seats.map((s) => s.x)) + 1;
    const rows = Math.max(...seats.map((s) => s.y)) + 1;
    hallEl.style.setProperty("--columns", columns + 2);
    hallEl.style.setProperty("--rows", rows);
    hallEl.replaceChildren();
    buttons = new Map();
    const rowNumbers = new Map();
    for (const s of seats) rowNumbers.set(s.y, s.row);
    for (const [y, row] of rowNumbers) {
      for (const column of [1, columns + 2]) {
        hallEl.append(el("span", { class: "row-label", style: { "grid-row": y + 1, "grid-column": column }, "aria-hidden": "true", text: row }));
      }
    }
    let first = null;
    for (const s of seats) {
      const k = key(s);
      const button = el("button", {
        type: "button", class: `seat ${s.category} ${s.status}${selected.has(k) ? " selected" : ""}`,
        style: { "grid-row": s.y + 1, "grid-column": s.x + 2 }, tabindex: "-1", "data-key": k,
        "aria-pressed": selected.has(k) ? "true" : "false", "aria-disabled": s.status !== "free" ? "true" : null,
        "aria-label": label(s), title: label(s), text: s.seat,
      });
      button.addEventListener("click", () => toggle(s));
      button.addEventListener("keydown", (e) => move(e, s));
      buttons.set(k, button);
      hallEl.append(button);
      if (!first && s.status === "free") first = button;
    }
    const focus = (focusedKey && buttons.get(focusedKey)) || first || buttons.values().next().value;
    if (focus) focus.tabIndex = 0;
    if (focusedKey && buttons.get(focusedKey)) buttons.get(focusedKey).focus();
    legend(data.prices);
  }

  function legend(prices) {
    const present = new Set(seats.map((s) => s.category));
    const items = [...present].map((c) => el("li", {}, el("span", { class: `swatch seat ${c} free`, "aria-hidden": "true" }), `${T[c]} — ${money(prices[c])}`));
    for (const state of ["held", "sold", "blocked"]) {
      items.push(el("li", {}, el("span", { class: `swatch seat standard ${state}`, "aria-hidden": "true" }), T[state]));
    }
    items.push(el("li", {}, el("span", { class: "swatch seat standard free selected", "aria-hidden": "true" }), T.selected));
    document.getElementById("legend").replaceChildren(...items);
  }

  function toggle(s) {
    if (hold) return;                       // seats are fixed while held
    if (s.status !== "free") return;
    const k = key(s);
    if (selected.has(k)) selected.delete(k);
    else if (selected.size >= CONFIG.maxSeats) { say(T.maxSeats.replace("%(n)s", CONFIG.maxSeats), "warn"); return; }
    else selected.set(k, s);
    say("");
    const button = buttons.get(k);
    button.classList.toggle("selected", selected.has(k));
    button.setAttribute("aria-pressed", selected.has(k) ? "true" : "false");
    button.setAttribute("aria-label", label(s));
    update();
  }

  // Arrow keys: to the nearest seat in that direction (gaps and aisles skipped).
  function move(event, from) {
    const directions = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const d = directions[event.key];
    if (!d) return;
    event.preventDefault();
    let best = null; let bestScore = Infinity;
    for (const s of seats) {
      const dx = s.x - from.x; const dy = s.y - from.y;
      const along = d[0] ? dx * d[0] : dy * d[1];
      if (along <= 0) continue;
      const across = d[0] ? Math.abs(dy) : Math.abs(dx);
      const score = along + across * 4;
      if (score < bestScore) { bestScore = score; best = s; }
    }
    if (!best) return;
    const current = buttons.get(key(from)); const next = buttons.get(key(best));
    current.tabIndex = -1; next.tabIndex = 0; next.focus();
  }

  function update() {
    const list = [...selected.values()].sort((a, b) => a.row - b.row || a.seat - b.seat);
    chosenEl.replaceChildren(...list.map((s) => el("li", { text: `${T.row} ${s.row}, ${T.seat} ${s.seat} — ${T[s.category]}, ${money(s.price)}` })));
    totalEl.textContent = money(list.reduce((sum, s) => sum + Number(s.price), 0));
    holdButton.disabled = !list.length || Boolean(hold);
    holdButton.hidden = Boolean(hold);
    if (!list.length && !hold) say(T.selectSeats);
  }

  holdButton.addEventListener("click", async () => {
    if (!(await ensureSignedIn())) return;
    holdButton.disabled = true; say(T.holding);
    try {
      const booking = await api("/tickets/", { method: "POST", body: {
        session: sessionId, seats: [...selected.values()].map((s) => ({ row: s.row, seat: s.seat })) } });
      hold = { ticket: booking.tickets[0].id, until: booking.reserved_until, reference: booking.reference,
               seats: booking.tickets.map((t) => ({ row: t.row, seat: t.seat, category: t.category, price: t.price })) };
      sessionStorage.setItem(`hold:${sessionId}`, JSON.stringify(hold));
      say("");
      showHold();
      await loadSeats();
    } catch (e) {
      if (e.body.code === "seat_unavailable") {
        const taken = (e.body.details.seats || []).map((s) => `${T.row} ${s.row}, ${T.seat} ${s.seat}`).join("; ");
        say(`${T.seatsTaken} ${taken}`, "warn");
        await loadSeats();
      } else say(`${T.error} ${e.message}`, "error");
      update();
    }
  });

  function showHold() {
    for (const s of hold.seats) selected.set(key(s), { ...s, status: "held" });
    payBox.hidden = false;
    update();
    clearInterval(timer);
    const tick = () => {
      const left = Math.max(0, Math.round((new Date(hold.until) - Date.now()) / 1000));
      countdownEl.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
      if (left <= 0) lapse();
    };
    tick(); timer = setInterval(tick, 1000);
    document.getElementById("pay").focus();
  }

  function endHold() {
    clearInterval(timer); hold = null; sessionStorage.removeItem(`hold:${sessionId}`);
    payBox.hidden = true; selected.clear();
  }

  async function lapse() { endHold(); say(T.holdLapsed, "warn"); await loadSeats(); }

  // Paying: the provider's page takes the card; "My tickets" polls the payment on return.
  // One idempotency key per hold and attempt: a double click replays, a new attempt after a failure does not.
  payForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const pay = document.getElementById("pay");
    pay.disabled = true; say(T.paying);
    if (!hold.payKey) {
      const keyBytes = crypto.getRandomValues(new Uint8Array(16));
      hold.payKey = [...keyBytes].map((b) => b.toString(16).padStart(2, "0")).join("");
      sessionStorage.setItem(`hold:${sessionId}`, JSON.stringify(hold));
    }
    try {
      const started = await api(`/tickets/${hold.ticket}/pay/`, { method: "POST", headers: { "Idempotency-Key": hold.payKey },
        body: { payment_method: "card", return_url: "/tickets/" } });
      sessionStorage.setItem("payment", String(started.payment.id));
      delete hold.payKey;  // coming back to this page means trying again
      hold.until = started.booking.reserved_until;  // a short hold is extended for the payment
      sessionStorage.setItem(`hold:${sessionId}`, JSON.stringify(hold));
      say(T.toProvider);
      window.location.assign(started.payment.confirmation_url);
    } catch (e) {
      if (e.body.code === "hold_expired") await lapse();
      else if (e.body.code === "payment_in_progress" && e.body.details.confirmation_url) {
        sessionStorage.setItem("payment", String(e.body.details.payment));
        window.location.assign(e.body.details.confirmation_url);
      } else say(`${T.error} ${e.message}`, "error");
      pay.disabled = false;
    }
  });

  Promise.all([loadHead(), loadSeats()]).then(() => {
    if (hold && new Date(hold.until) > Date.now()) showHold();
    else if (hold) endHold();
  }).catch((e) => say(`${T.error} ${e.message}`, "error"));
})();
