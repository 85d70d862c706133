// The checkout of one session: the seat map (a grid of rows of seat buttons,
// arrow keys move, Enter or Space chooses), a ticket type per seat, a promo
// code, the hold and its summary as the server priced it, then the payment on
// the provider's page, which sends the customer back to the order's page.
// Positions are set through the CSSOM (the CSP allows no style attributes).
"use strict";

(function checkout() {
  const sessionId = CONFIG.session;
  const hallEl = document.getElementById("hall");
  const scrollEl = document.getElementById("hall-scroll");
  const chosenEl = document.getElementById("chosen");
  const promoEl = document.getElementById("promo");
  const promoMessage = document.getElementById("promo-message");
  const summaryEl = document.getElementById("summary");
  const estimateEl = document.getElementById("estimate");
  const countdownEl = document.getElementById("countdown");
  const countdownText = document.getElementById("countdown-text");
  const countdownClock = document.getElementById("countdown-clock");
  const message = document.getElementById("message");
  const holdAlert = document.getElementById("hold-alert");
  const action = document.getElementById("action");
  const fmt = (text, values) => text.replace(/%\((\w+)\)[sd]/g, (_, name) => String(values[name]));
  const key = (s) => `${s.row}-${s.seat}`;
  const ZOOM = [24, 30, 36, 44];

  let map = null;                 // the seat map document
  let seats = new Map();          // "row-seat" → seat
  let buttons = new Map();        // "row-seat" → button
  const selected = new Map();     // "row-seat" → ticket type code
  let hold = null;                // the held booking, as the API answered it
  let timer = null;
  let warned = false;
  let zoom = 1;
  let busy = false;
  let signingInToHold = false;    // the action's own sign-in: the action holds what is chosen

  const seatName = (s) => fmt(T.seatName, s);
  const typeName = (t) => (t.names && t.names[LANG]) || t.name;
  const typesFor = (s) => map.ticket_types.filter((t) => t.prices[s.category] !== undefined);
  const mine = () => new Set(hold ? hold.tickets.filter((t) => t.status === "reserved").map(key) : []);

  function stateOf(s) {
    if (selected.has(key(s))) return "selected";
    if (mine().has(key(s))) return "mine";
    return s.status;
  }

  function seatLabel(s) {
    const state = stateOf(s);
    const word = state === "selected" ? T.selected : state === "mine" ? T.mine : T[state];
    return `${seatName(s)}, ${T[s.category]}, ${rub(s.price)}, ${word}`;
  }

  // --- The map -----------------------------------------------------------
  async function loadSeats() {
    map = await api(`/sessions/${sessionId}/seats/`);
    seats = new Map(map.seats.map((s) => [key(s), s]));
    draw();
  }

  function draw() {
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.key : null;
    const columns = Math.max(...map.seats.map((s) => s.x)) + 1;
    hallEl.style.setProperty("--columns", columns);
    const rows = new Map();
    for (const s of map.seats) {
      if (!rows.has(s.y)) rows.set(s.y, []);
      rows.get(s.y).push(s);
    }
    buttons = new Map();
    const rowEls = [];
    for (const [y, rowSeats] of [...rows].sort((a, b) => a[0] - b[0])) {
      const number = rowSeats[0].row;
      const rowEl = el("div", { role: "row", class: "hall-row" });
      rowEl.style.gridRowStart = String(y + 1);
      rowEl.append(el("span", { role: "rowheader", class: "row-label" },
        el("span", { class: "visually-hidden", text: `${T.row} ` }), String(number)));
      for (const s of rowSeats.sort((a, b) => a.x - b.x)) {
        const cell = el("span", { role: "gridcell", class: "seat-cell" });
        cell.style.gridColumnStart = String(s.x + 2);
        const button = el("button", { type: "button", tabindex: "-1", "data-key": key(s), text: String(s.seat) });
        button.addEventListener("click", () => toggle(s));
        button.addEventListener("keydown", (event) => move(event, s));
        cell.append(button);
        buttons.set(key(s), button);
        rowEl.append(cell);
      }
      const right = el("span", { class: "row-label end", "aria-hidden": "true", text: String(number) });
      right.style.gridColumnStart = String(columns + 2);
      rowEl.append(right);
      rowEls.push(rowEl);
    }
    hallEl.replaceChildren(...rowEls);
    hallEl.setAttribute("aria-busy", "false");
    for (const s of map.seats) paint(s);
    const first = [...buttons.keys()].find((k) => stateOf(seats.get(k)) === "free") || buttons.keys().next().value;
    const start = (focused && buttons.get(focused)) || buttons.get(first);
    if (start) start.tabIndex = 0;
    if (focused && buttons.get(focused)) buttons.get(focused).focus();
    legend();
    fitZoom();
  }

  function paint(s) {
    const button = buttons.get(key(s));
    if (!button) return;
    const state = stateOf(s);
    button.className = `seat ${s.category} ${state}`;
    button.setAttribute("aria-pressed", state === "selected" ? "true" : "false");
    if (state === "free" || state === "selected" || state === "mine") button.removeAttribute("aria-disabled");
    else button.setAttribute("aria-disabled", "true");
    button.setAttribute("aria-label", seatLabel(s));
  }

  function legend() {
    const present = [...new Set(map.seats.map((s) => s.category))];
    const items = present.map((c) => el("li", {}, el("span", { class: `swatch seat ${c} free`, "aria-hidden": "true" }),
      `${T[c]} — ${rub(map.prices[c])}`));
    for (const state of ["selected", "mine", "held", "sold", "blocked"]) {
      items.push(el("li", {}, el("span", { class: `swatch seat standard ${state}`, "aria-hidden": "true" }),
        state === "mine" ? T.mine : T[state]));
    }
    if (Number(map.booking_fee) > 0) items.push(el("li", { text: `${T.bookingFee}: ${rub(map.booking_fee)}` }));
    document.getElementById("legend").replaceChildren(...items);
  }

  function toggle(s) {
    if (busy) return;
    const k = key(s);
    const state = stateOf(s);
    if (state === "selected") selected.delete(k);
    else if (state === "free" || state === "mine") {
      if (selected.size >= CONFIG.maxSeats) { showMessage(message, plural(T.maxSeats, CONFIG.maxSeats), "warn"); return; }
      const types = typesFor(s);
      selected.set(k, (types.find((t) => t.code === "adult") || types[0] || { code: "adult" }).code);
    } else return;
    showMessage(message, "");
    paint(s);
    render();
  }

  // Arrow keys: to the nearest seat that way (gaps and aisles skipped); Home and End: the row's ends.
  function move(event, from) {
    const directions = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    let best = null;
    if (event.key === "Home" || event.key === "End") {
      const row = map.seats.filter((s) => s.y === from.y).sort((a, b) => a.x - b.x);
      best = event.key === "Home" ? row[0] : row[row.length - 1];
    } else if (directions[event.key]) {
      const [dx0, dy0] = directions[event.key];
      let bestScore = Infinity;
      for (const s of map.seats) {
        const dx = s.x - from.x; const dy = s.y - from.y;
        const along = dx0 ? dx * dx0 : dy * dy0;
        if (along <= 0) continue;
        const score = along + (dx0 ? Math.abs(dy) : Math.abs(dx)) * 4;
        if (score < bestScore) { bestScore = score; best = s; }
      }
    } else return;
    event.preventDefault();
    if (!best) return;
    buttons.get(key(from)).tabIndex = -1;
    const next = buttons.get(key(best));
    next.tabIndex = 0;
    next.focus();
    next.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  // --- Zoom (phone): seats never smaller than 24 px; the map scrolls sideways in its box.
  function applyZoom() {
    hallEl.style.setProperty("--seat", `${ZOOM[zoom]}px`);
    document.getElementById("zoom-out").disabled = zoom === 0;
    document.getElementById("zoom-in").disabled = zoom === ZOOM.length - 1;
  }
  let zoomChosen = false;
  function fitZoom() {
    if (zoomChosen) { applyZoom(); return; }
    const columns = Math.max(...map.seats.map((s) => s.x)) + 3;
    const room = scrollEl.clientWidth;
    zoom = 0;
    for (let i = ZOOM.length - 1; i >= 0; i -= 1) if (columns * (ZOOM[i] + 4) <= room) { zoom = Math.min(i, 2); break; }
    applyZoom();
  }
  document.getElementById("zoom-in").addEventListener("click", () => { zoomChosen = true; zoom = Math.min(zoom + 1, ZOOM.length - 1); applyZoom(); });
  document.getElementById("zoom-out").addEventListener("click", () => { zoomChosen = true; zoom = Math.max(zoom - 1, 0); applyZoom(); });

  // --- The order panel ---------------------------------------------------
  function chosenList() {
    return [...selected.keys()].map((k) => seats.get(k)).filter(Boolean).sort((a, b) => a.row - b.row || a.seat - b.seat);
  }

  function heldShape() {
    if (!hold) return "";
    const tickets = hold.tickets.filter((t) => t.status === "reserved");
    return `${tickets.map((t) => `${key(t)}:${t.ticket_type}`).sort().join(",")}|${(hold.promo_code || "").toUpperCase()}`;
  }
  function wantedShape() {
    return `${[...selected].map(([k, type]) => `${k}:${type}`).sort().join(",")}|${promoEl.value.trim().toUpperCase()}`;
  }
  const changed = () => Boolean(hold) && heldShape() !== wantedShape();

  function typePrice(s, code) {
    const type = map.ticket_types.find((t) => t.code === code);
    return Number(type && type.prices[s.category] !== undefined ? type.prices[s.category] : s.price);
  }

  function render() {
    const list = chosenList();
    chosenEl.replaceChildren(...list.map((s) => {
      const k = key(s);
      const id = `type-${k}`;
      const select = el("select", { id, "aria-label": fmt(T.ticketTypeFor, s) },
        ...typesFor(s).map((t) => el("option", { value: t.code, selected: t.code === selected.get(k) },
          `${typeName(t)} — ${rub(t.prices[s.category])}`)));
      select.addEventListener("change", () => { selected.set(k, select.value); render(); });
      const remove = el("button", { type: "button", class: "remove", "aria-label": fmt(T.removeSeat, s), text: "×" });
      remove.addEventListener("click", () => toggle(s));
      return el("li", { "data-key": k },
        el("span", { class: "chosen-seat", text: `${seatName(s)} · ${T[s.category]}` }), select, remove);
    }));
    const fee = Number(map.booking_fee);
    const estimate = list.reduce((sum, s) => sum + typePrice(s, selected.get(key(s))) + fee, 0);
    const showHeld = hold && !changed();
    summaryEl.hidden = !showHeld;
    if (showHeld) renderSummary();
    estimateEl.hidden = showHeld || !list.length;
    estimateEl.textContent = hold ? T.changed : T.estimate;
    document.getElementById("bar-count").textContent = list.length ? plural(T.seatsCount, list.length) : "";
    document.getElementById("total").textContent = showHeld ? rub(hold.total) : list.length ? rub(estimate) : "";
    if (showHeld) action.textContent = fmt(T.payAmount, { amount: rub(hold.total) });
    else action.textContent = hold ? T.updateHold : T.holdSeats;
    action.disabled = busy || !list.length;
    countdownEl.hidden = !hold;
    if (!list.length && !hold && !message.textContent) showMessage(message, T.selectSeats);
  }

  function renderSummary() {
    const lines = hold.tickets.filter((t) => t.status === "reserved").map((t) => {
      const type = map.ticket_types.find((x) => x.code === t.ticket_type);
      const base = Number(t.price) - Number(t.fee) + Number(t.discount);
      return el("tr", {},
        el("th", { scope: "row", text: `${seatName(t)} · ${type ? typeName(type) : t.ticket_type}` }),
        el("td", { text: rub(base) }));
    });
    document.getElementById("summary-lines").replaceChildren(...lines);
    const totals = [];
    if (Number(hold.discount) > 0) {
      totals.push(el("tr", { class: "discount" },
        el("th", { scope: "row", text: `${T.discount} (${fmt(T.promoCode, { code: hold.promo_code })})` }),
        el("td", { text: `−${rub(hold.discount)}` })));
    }
    if (Number(hold.booking_fees) > 0) {
      totals.push(el("tr", {}, el("th", { scope: "row", text: T.bookingFee }), el("td", { text: rub(hold.booking_fees) })));
    }
    totals.push(el("tr", { class: "grand" }, el("th", { scope: "row", text: T.total }), el("td", { text: rub(hold.total) })));
    document.getElementById("summary-totals").replaceChildren(...totals);
  }

  promoEl.addEventListener("input", () => { showMessage(promoMessage, ""); promoEl.removeAttribute("aria-invalid"); render(); });

  // --- Hold, change, pay -------------------------------------------------
  action.addEventListener("click", async () => {
    if (busy) return;
    if (hold && !changed()) { await pay(); return; }
    signingInToHold = true;
    const signedIn = await ensureSignedIn().finally(() => { signingInToHold = false; });
    if (!signedIn) return;
    busy = true; render();
    showMessage(message, T.holding);
    try {
      if (hold) await release(hold);
      const list = chosenList();
      const body = { session: sessionId, seats: list.map((s) => ({ row: s.row, seat: s.seat, ticket_type: selected.get(key(s)) })) };
      if (promoEl.value.trim()) body.promo_code = promoEl.value.trim();
      setHold(await api("/tickets/", { method: "POST", body }));
      showMessage(holdAlert, "");
      showMessage(message, "");
      await loadSeats();
    } catch (e) {
      await refused(e);
    } finally {
      busy = false; render();
    }
  });

  async function release(booking) {
    const held = booking.tickets.filter((t) => t.status === "reserved");
    setHold(null);
    for (const t of held) await api(`/tickets/${t.id}/cancel/`, { method: "POST" });
  }

  async function refused(e) {
    const body = (e && e.body) || {};
    if (body.code === "promo_invalid") {
      showMessage(promoMessage, humanError(e), "error");
      promoEl.setAttribute("aria-invalid", "true");
      showMessage(message, "");
      promoEl.focus();
      return;
    }
    if (body.code === "seat_unavailable") {
      const taken = (body.details && body.details.seats) || [];
      for (const s of taken) selected.delete(key(s));
      showMessage(message, `${humanError(e)} ${taken.map(seatName).join("; ")}`, "warn");
    } else showMessage(message, humanError(e), "error");
    try { await loadSeats(); } catch (ignored) { /* the message above says enough */ }
  }

  async function pay() {
    busy = true; render();
    showMessage(message, T.paying);
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    const idempotencyKey = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    const first = hold.tickets.find((t) => t.status === "reserved");
    try {
      const started = await api(`/tickets/${first.id}/pay/`, {
        method: "POST", headers: { "Idempotency-Key": idempotencyKey },
        body: { payment_method: "card", return_url: `/orders/${hold.reference}/` } });
      showMessage(message, T.toProvider);
      window.location.assign(started.payment.confirmation_url);
    } catch (e) {
      const body = (e && e.body) || {};
      if (body.code === "payment_in_progress" && body.details && body.details.confirmation_url) {
        window.location.assign(body.details.confirmation_url);
        return;
      }
      busy = false;
      if (body.code === "hold_expired") { lapse(); return; }
      if (body.code === "already_paid") { window.location.assign(`/orders/${hold.reference}/`); return; }
      showMessage(message, humanError(e), "error");
      render();
    }
  }

  // --- The hold's clock ----------------------------------------------------
  function setHold(booking) {
    hold = booking;
    clearInterval(timer);
    warned = false;
    if (!hold) { countdownEl.classList.remove("warn"); return; }
    for (const t of hold.tickets) if (t.status === "reserved") selected.set(key(t), t.ticket_type);
    promoEl.value = hold.promo_code || "";
    let lastMinute = null;
    const tick = () => {
      const left = Math.max(0, Math.round((new Date(hold.reserved_until) - Date.now()) / 1000));
      countdownClock.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
      const minutes = Math.ceil(left / 60);
      if (left <= 60 && !warned) {
        warned = true;
        countdownEl.classList.add("warn");
        countdownText.textContent = T.lastMinute;
      } else if (left > 60 && minutes !== lastMinute) {
        lastMinute = minutes;  // the live region speaks once a minute, not every second
        countdownText.textContent = plural(T.minutesLeft, minutes);
      }
      if (left <= 0) lapse();
    };
    tick();
    timer = setInterval(tick, 1000);
  }

  // A lapsed hold: a message that stays until the next hold, the seats as they are now.
  function lapse() {
    const had = hold;
    setHold(null);
    if (had) for (const t of had.tickets) selected.delete(key(t));
    showMessage(holdAlert, T.errors.hold_expired, "warn");
    showMessage(message, "");
    loadSeats().then(render, () => render());
  }

  // Reloading the page during a hold: the server says which seats are the visitor's.
  // A visitor who is not signed in holds nothing: no call, and no sign-in dialog on arrival
  // (a 401 of a call made with auth: true would open it).
  async function loadMyHold() {
    if (!Auth.signedIn) return;
    let page;
    try {
      page = await api(`/tickets/?session=${sessionId}&status=reserved&page_size=100`);
    } catch (e) {
      return;  // the session ended meanwhile: nothing held that the page can show
    }
    const now = Date.now();
    const live = page.results.filter((t) => new Date(t.reserved_until) > now);
    if (!live.length) return;
    setHold(await api(`/bookings/${live[0].booking}/`));
  }

  // Signed in from the header: the seats this customer held before (in another tab, or before
  // signing out) are theirs again, without a reload.
  document.addEventListener("signed-in", async () => {
    if (signingInToHold || busy) return;
    try {
      await loadMyHold();
      if (hold) draw();
    } catch (e) {
      showMessage(message, humanError(e), "error");
    }
    render();
  });

  applyZoom();
  Promise.all([loadSeats(), loadMyHold()])
    .then(() => { if (hold) draw(); render(); })
    .catch((e) => showMessage(message, humanError(e), "error"));
})();
