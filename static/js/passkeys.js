// Passkey pages. Passkeys need JavaScript and a browser that supports WebAuthn: without them the page keeps
// saying so (and offers the authenticator app); with them the passkey buttons appear. allauth's own scripts
// (mfa/js/webauthn.js) run the ceremony; this shows what went wrong when it fails, in the GOV.UK error summary,
// rather than only in the browser's console.
(function () {
  "use strict";

  function ready() {
    const supported = typeof window.PublicKeyCredential === "function";
    for (const element of document.querySelectorAll("[data-passkey-only]")) {
      element.hidden = !supported;
    }
    for (const element of document.querySelectorAll("[data-passkey-unavailable]")) {
      element.hidden = supported;
    }
  }

  document.addEventListener("allauth.error", function (event) {
    event.preventDefault();
    const summary = document.getElementById("passkey-error");
    if (!summary) {
      return;
    }
    const cancelled = event.detail && event.detail.exception && event.detail.exception.name === "NotAllowedError";
    summary.querySelector("[data-passkey-error-text]").textContent = cancelled
      ? "Your device did not use a passkey: it was cancelled or timed out. Try again."
      : "Your device could not use a passkey here. Try again, or use your authenticator app.";
    summary.classList.add("govuk-error-summary");
    summary.hidden = false;
    summary.focus();
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
