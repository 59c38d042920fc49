// The language switch of the Django pages: the same cookie the React portal's switch writes.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-language]");
  if (!button) return;
  document.cookie = `ainergy_language=${button.dataset.language}; path=/; max-age=31536000; samesite=lax`;
  window.location.reload();
});
