// Pre-select the browser's own time zone on the invitation form (the list still allows any).
document.addEventListener("DOMContentLoaded", () => {
  const select = document.querySelector("select[data-browser-zone='yes']");
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (select && zone && [...select.options].some((option) => option.value === zone)) {
    select.value = zone;
  }
});
