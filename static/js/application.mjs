// Starts the GOV.UK Frontend components on pages that support them.
import { initAll } from "../dist/govuk-frontend.min.js";

initAll();
