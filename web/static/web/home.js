// Home: films showing in a city on a date, their sessions grouped by cinema.
"use strict";

(async function home() {
  const citySelect = document.getElementById("city");
  const dateInput = document.getElementById("date");
  const films = document.getElementById("films");
  const nearby = document.getElementById("nearby");

  const today = new Date();
  const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  dateInput.value = sessionStorage.getItem("date") || iso(today);
  dateInput.min = iso(today);
  const last = new Date(today); last.setDate(today.getDate() + 13);
  dateInput.max = iso(last);

  // The location button works from the start; it waits for the city list
  // only to switch the city.
  const citiesListed = (async () => {
    const cinemas = await api("/cinemas/?page_size=100");
    const cities = [...new Set(cinemas.results.map((c) => c.city))].sort();
    for (const city of cities) citySelect.append(el("option", { value: city, text: city }));
    citySelect.value = sessionStorage.getItem("city") || cities[0];
  })();
  document.getElementById("nearest").addEventListener("click", () => {
    nearby.replaceChildren(el("p", { text: T.locating }));
    if (!navigator.geolocation) { nearby.replaceChildren(el("p", { text: T.noLocation })); return; }
    navigator.geolocation.getCurrentPosition(async (position) => {
      const { latitude, longitude } = position.coords;
      const found = await api(`/cinemas/nearby/?lat=${latitude}&lon=${longitude}&radius_km=50`);
      nearby.replaceChildren(el("h2", { text: T.nearest }),
        el("ul", {}, found.results.map((c) => el("li", { text: `${c.name} — ${c.address}, ${c.distance_km.toFixed(1)} ${T.km}` }))));
      if (found.results.length) { await citiesListed; citySelect.value = found.results[0].city; load(); }
    }, () => nearby.replaceChildren(el("p", { text: T.noLocation })), { timeout: 10000 });
  });
  await citiesListed;

  async function load() {
    sessionStorage.setItem("city", citySelect.value);
    sessionStorage.setItem("date", dateInput.value);
    films.setAttribute("aria-busy", "true");
    const params = new URLSearchParams({ city: citySelect.value, date: dateInput.value, page_size: 100 });
    const movie = new URLSearchParams(location.search).get("movie");  // "other sessions of this film" links
    if (movie) params.set("movie", movie);
    const sessions = [];
    let page = await api(`/sessions/?${params}`);
    sessions.push(...page.results);
    while (page.next && sessions.length < 500) {
      page = await api(page.next.slice(page.next.indexOf(API) + API.length));
      sessions.push(...page.results);
    }
    render(sessions);
    films.setAttribute("aria-busy", "false");
  }

  function render(sessions) {
    films.replaceChildren();
    if (!sessions.length) { films.append(el("p", { text: T.noSessions })); return; }
    const byMovie = new Map();
    for (const s of sessions) {
      if (!byMovie.has(s.movie.id)) byMovie.set(s.movie.id, { movie: s.movie, cinemas: new Map() });
      const entry = byMovie.get(s.movie.id);
      if (!entry.cinemas.has(s.cinema.id)) entry.cinemas.set(s.cinema.id, { cinema: s.cinema, sessions: [] });
      entry.cinemas.get(s.cinema.id).sessions.push(s);
    }
    for (const { movie, cinemas: byCinema } of byMovie.values()) {
      const card = el("article", { class: "film" },
        el("h2", {}, movie.title, " ", el("span", { class: "age", text: movie.age_rating })),
        el("p", { class: "meta", text: `${movie.duration_minutes} min` }));
      for (const { cinema, sessions: list } of byCinema.values()) {
        const minPrice = Math.min(...list.map((s) => Number(s.base_price)));
        card.append(el("h3", {}, `${cinema.name}, ${cinema.address} · ${T.from} ${money(minPrice)}`));
        card.append(el("ul", { class: "times" }, list.map((s) => el("li", {},
          el("a", {
            class: "time", href: `/sessions/${s.id}/`,
            "aria-label": `${movie.title}, ${cinema.name}, ${localTime(s.starts_at)}, ${s.format.toUpperCase()}`,
          },
          el("strong", { text: localTime(s.starts_at) }),
          el("span", { text: `${s.format.toUpperCase()} · ${s.audio_language.toUpperCase()}${s.subtitles_language ? " + sub" : ""}` }),
          el("span", { class: "left", text: `${s.seats_available} ${T.seatsLeft}` }))))));
      }
      films.append(card);
    }
  }

  citySelect.addEventListener("change", load);
  dateInput.addEventListener("change", load);
  await load();
})().catch((e) => {
  document.getElementById("films").replaceChildren(el("p", { class: "error", text: `${T.error} ${e.message}` }));
});
