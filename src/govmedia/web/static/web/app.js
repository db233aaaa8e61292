// Small behaviours without inline scripts (the pages run under a strict Content-Security-Policy).
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-toggle]");
  if (toggle) document.getElementById(toggle.dataset.toggle)?.classList.toggle("open");
  const confirmer = event.target.closest("[data-confirm]");
  if (confirmer && !window.confirm(confirmer.dataset.confirm)) event.preventDefault();
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

// <fieldset data-reveal-when="id_kind=repost">: shown only while that field has that value.
function revealFieldsets() {
  document.querySelectorAll("[data-reveal-when]").forEach((box) => {
    const [id, wanted] = box.dataset.revealWhen.split("=");
    const input = document.getElementById(id);
    if (!input) return;
    const value = input.type === "checkbox" ? (input.checked ? "on" : "") : input.value;
    box.hidden = value !== wanted && !box.querySelector(".has-error");
  });
}
document.addEventListener("change", revealFieldsets);
document.addEventListener("DOMContentLoaded", revealFieldsets);
