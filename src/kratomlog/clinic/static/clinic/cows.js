// The visit form's running COWS total and band, as the clinician rates each item.
(function () {
  const form = document.getElementById("visit-form");
  const shown = document.getElementById("cows-total");
  if (!form || !shown) return;
  const bands = shown.parentElement.dataset.bands.split(";").map((pair) => {
    const [lowest, name] = pair.split(":");
    return [Number(lowest), name];
  });
  const items = new Set(Array.from(form.querySelectorAll("input[type=radio]")).map((i) => i.name));
  function update() {
    const rated = Array.from(form.querySelectorAll("input[type=radio]:checked"));
    const total = rated.reduce((sum, input) => sum + Number(input.value), 0);
    if (rated.length < items.size) {
      shown.textContent = `${total} so far (${rated.length} of ${items.size} items rated)`;
      return;
    }
    let band = "below mild (under 5)";
    for (const [lowest, name] of bands) if (total >= lowest) band = name;
    shown.textContent = `${total} of 48: ${band}`;
  }
  form.addEventListener("change", update);
  update();
})();
