// Builds the GOV.UK Frontend assets this service uses into static/dist/.
// The service is not on GOV.UK, so it uses neither the GDS Transport font nor
// the crown images; only the compiled styles and the JavaScript are produced.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "dist");
mkdirSync(out, { recursive: true });

const css = sass.compile(join(root, "static", "scss", "application.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "mixed-decls", "global-builtin"],
});
writeFileSync(join(out, "application.css"), css.css);

const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
cpSync(join(root, "node_modules", "htmx.org", "dist", "htmx.min.js"), join(out, "htmx.min.js"));
console.log(`Built GOV.UK Frontend assets into ${out}`);
