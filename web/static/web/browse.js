// The browsing pages are rendered on the server; this adds what needs the API:
// the nearest city (geolocation), helpful / not helpful votes and writing a review.
// Uses api(), signIn() and ensureSignedIn() of api.js.
"use strict";

(function browse() {
  const BT = JSON.parse(document.getElementById("browse-texts").textContent);

  // --- The nearest city: the browser's position → the nearby-cinemas API → that city's listing.
  const nearest = document.getElementById("nearest");
  if (nearest && navigator.geolocation) {
    const status = document.getElementById("nearest-status");
    nearest.hidden = false;
    nearest.addEventListener("click", () => {
      status.textContent = BT.locating;
      navigator.geolocation.getCurrentPosition(async (position) => {
        try {
          const { latitude, longitude } = position.coords;
          const params = new URLSearchParams({ lat: latitude.toFixed(5), lon: longitude.toFixed(5), radius_km: 100 });
          const found = await api(`/cinemas/nearby/?${params}`);
          if (!found.results.length) { status.textContent = BT.noneNear; return; }
          const cinema = found.results[0];
          status.textContent = BT.nearest.replace("%(name)s", cinema.name).replace("%(km)s", cinema.distance_km.toFixed(1));
          location.assign(`/?city=${encodeURIComponent(cinema.city)}`);
        } catch (e) {
          status.textContent = BT.error;
        }
      }, () => { status.textContent = BT.noLocation; }, { timeout: 10000 });
    });
  }

  // --- Votes on reviews: one per customer, changeable; pressing the pressed button withdraws it.
  for (const button of document.querySelectorAll("button.vote")) {
    button.addEventListener("click", async () => {
      const group = button.closest(".votes");
      const status = group.querySelector(".vote-status");
      if (!(await ensureSignedIn())) return;
      const id = button.dataset.review;
      const helpful = button.dataset.helpful === "true";
      const withdraw = button.getAttribute("aria-pressed") === "true";
      try {
        const review = withdraw
          ? await api(`/reviews/${id}/vote/`, { method: "DELETE" })
          : await api(`/reviews/${id}/vote/`, { method: "POST", body: { helpful } });
        for (const other of group.querySelectorAll("button.vote")) {
          const isHelpful = other.dataset.helpful === "true";
          other.querySelector(".count").textContent = isHelpful ? review.helpful_count : review.not_helpful_count;
          other.setAttribute("aria-pressed", String(!withdraw && isHelpful === helpful));
        }
        status.textContent = BT.voted;
      } catch (e) {
        status.textContent = e.body && e.body.code === "own_review" ? BT.ownReview : BT.error;
      }
    });
  }

  // --- Signing in to write a review: the page comes back with the form (for those who attended).
  const reviewSignIn = document.getElementById("review-sign-in");
  if (reviewSignIn) {
    reviewSignIn.hidden = false;
    reviewSignIn.addEventListener("click", async () => { if (await signIn()) location.reload(); });
  }

  // --- Writing a review: sent to the API, then the page shows it as pending.
  const form = document.getElementById("review-form");
  if (form) {
    const error = document.getElementById("review-error");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.textContent = "";
      if (!form.reportValidity()) return;
      const data = new FormData(form);
      try {
        await api("/reviews/", { method: "POST", body: {
          movie: Number(form.dataset.movie),
          rating: Number(data.get("rating")),
          title: data.get("title"),
          text: data.get("text"),
          is_spoiler: data.get("is_spoiler") === "on",
        } });
        error.textContent = BT.sent;
        location.reload();
      } catch (e) {
        const fields = (e.body && e.body.errors) || {};
        const first = Object.keys(fields).find((name) => name !== "non_field_errors");
        const input = first && form.elements.namedItem(first);
        if (input) input.focus();
        error.textContent = BT.error;
      }
    });
  }
})();
