// Small behaviours without inline scripts (the pages run under a strict Content-Security-Policy).
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-toggle]");
  if (toggle) document.getElementById(toggle.dataset.toggle)?.classList.toggle("open");
  const confirmer = event.target.closest("[data-confirm]");
  if (confirmer && !window.confirm(confirmer.dataset.confirm)) event.preventDefault();
});
