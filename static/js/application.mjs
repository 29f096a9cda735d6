// Starts the GOV.UK Frontend components on pages that support them.
import { initAll } from "../dist/govuk-frontend.min.js";

initAll();

// Conditional reveals under radios. GOV.UK Frontend's own marks each radio aria-expanded, which ARIA does not
// allow on a radio (axe-core's aria-allowed-attr), so these radios name what they reveal in data-reveals and
// this shows it while the radio is chosen. Without JavaScript every question simply shows.
for (const group of document.querySelectorAll("[data-conditional-radios]")) {
  const radios = [...group.querySelectorAll('input[type="radio"]')];
  const sync = () => {
    for (const radio of radios) {
      const target = radio.dataset.reveals && document.getElementById(radio.dataset.reveals);
      if (target) {
        target.classList.toggle("govuk-radios__conditional--hidden", !radio.checked);
      }
    }
  };
  group.addEventListener("change", sync);
  window.addEventListener("pageshow", sync);
  sync();
}
