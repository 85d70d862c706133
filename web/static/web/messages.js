// Shared by every page (loaded before api.js): prices in the visitor's
// language, plurals by the language's rules, the API's error codes as
// sentences in that language (never the API's raw message or field names).
// The sentences are the server's (T.errors, web/views.py error_texts).
"use strict";

const LANG = document.documentElement.lang || "en";
const PRICE_WHOLE = new Intl.NumberFormat(LANG, { style: "currency", currency: "RUB", currencyDisplay: "narrowSymbol", maximumFractionDigits: 0 });
const PRICE_EXACT = new Intl.NumberFormat(LANG, { style: "currency", currency: "RUB", currencyDisplay: "narrowSymbol", minimumFractionDigits: 2 });
const PLURALS = new Intl.PluralRules(LANG);

function rub(value) {
  const number = Number(value);
  return (Number.isInteger(number) ? PRICE_WHOLE : PRICE_EXACT).format(number);
}

// forms: {one, few, many, other} from the server's ngettext; "%(count)d" is the number.
function plural(forms, n) {
  return (forms[PLURALS.select(n)] || forms.other).replace("%(count)d", String(n));
}

function humanError(error) {
  const texts = T.errors || {};
  if (!(error instanceof ApiError)) return texts.network;
  const body = error.body || {};
  if (body.code === "promo_invalid") return (texts.promo || {})[(body.details || {}).reason] || texts.generic;
  if (error.status === 429) return texts.throttled;
  const fields = body.errors || {};
  if (fields.old_password) return texts.password_wrong;
  const weak = fields.new_password || fields.password;
  // the password validators' own words are sentences in the page's language, not field names
  if (weak) return [texts.password_weak, ...weak].join(" ");
  if (fields.email && body.code === "validation_error") return texts.email_invalid;
  if (fields.first_name || fields.last_name) return texts.name_required;
  return texts[body.code] || texts.generic;
}

function showMessage(node, text, kind = "") {
  node.textContent = text;
  node.className = `message ${kind}`.trim();
}
