// The portal's own behaviour, loaded on every page (CSP: a static file, no inline script).
// Bootstrap's own script is not loaded: the menu button below is all the pages used of it.

// The menu button on a narrow screen opens and closes the main menu (Escape closes it).
for (const button of document.querySelectorAll("[data-menu-toggle]")) {
  const menu = document.getElementById(button.getAttribute("aria-controls"));
  const toggle = (open) => {
    button.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("show", open);
  };
  button.addEventListener("click", () => toggle(button.getAttribute("aria-expanded") !== "true"));
  menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      toggle(false);
      button.focus();
    }
  });
}

// After a form is sent back with errors, focus moves to the summary of them at the top, so
// a screen reader reads it first and a keyboard user starts there; its links lead to the
// fields. A link to a field focuses the field (not only scrolls to it).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      const field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        field.focus();
        field.scrollIntoView({ block: "center" });
      }
    });
  }
});
