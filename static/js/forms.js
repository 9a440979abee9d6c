// Forms that never lose input (issue 13; user trial D6, D10): the profile and objectives pages
// save every change as the pillar pages do, and the browser asks before the firm leaves with a
// change that is not saved. The cost shares show a running total, and the currency follows the
// country until the firm picks one itself. Every page works without this file: the buttons save,
// and the server says what the shares add up to.
(() => {
  const form = document.querySelector("form[data-never-lose]");
  if (!form) return;
  const status = document.getElementById("autosave-status");
  const url = form.dataset.autosaveUrl;
  let edits = 0; // changes made on the page
  let saved = 0; // changes the server has confirmed saving
  let submitting = false;
  let pending = null;

  const dirty = () => edits !== saved;

  // One save at a time, each sending the page as it is when its turn comes: an older answer
  // can neither overwrite a newer one on the server nor in the status line.
  const send = () => {
    const upTo = edits;
    const body = new FormData(form);
    body.delete("go");
    return fetch(url, { method: "POST", body, credentials: "same-origin" })
      .then(async (response) => {
        const answer = document.createElement("div");
        answer.innerHTML = await response.text();
        const ok = response.ok && answer.querySelector("[data-saved]") !== null;
        if (status) status.replaceChildren(...answer.childNodes);
        if (ok) saved = Math.max(saved, upTo);
        return ok;
      })
      .catch(() => {
        if (status) status.textContent = "Not saved: the connection failed. Use the buttons below to save.";
        return false;
      });
  };
  const save = () => {
    if (!url) return Promise.resolve(false);
    pending = (pending || Promise.resolve()).then(send, send);
    return pending;
  };

  form.addEventListener("input", () => { edits += 1; });
  form.addEventListener("change", () => { if (edits === saved) edits += 1; save(); });
  form.addEventListener("submit", () => { submitting = true; });

  // Links away from the page (the step list, the header) wait for the save first; when it
  // cannot be saved (a field needs correcting), the firm decides whether to leave.
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    if (!link || !dirty() || link.target === "_blank" || link.getAttribute("href").startsWith("#")) return;
    event.preventDefault();
    const leave = () => { edits = saved; window.location.href = link.href; };
    const attempt = pending && edits === saved ? pending : save();
    attempt.then((ok) => {
      if (ok && !dirty()) leave();
      else if (window.confirm(url
        ? "Some of your changes on this page are not saved (see the message at the top). Leave anyway?"
        : "What you entered on this page is not saved until you press the button at the bottom. Leave anyway?")) leave();
    });
  });

  window.addEventListener("beforeunload", (event) => {
    if (submitting || !dirty()) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // The currency follows the country, unless the firm chose another currency itself.
  const currency = form.querySelector("select[data-country-currency]");
  const country = form.querySelector("select[name='country']");
  if (currency && country) {
    const usual = JSON.parse(currency.dataset.countryCurrency);
    // A currency other than the country's usual one was the firm's own choice: keep it.
    let chosen = currency.value !== "" && currency.value !== usual[country.value];
    currency.addEventListener("change", () => { chosen = currency.value !== ""; });
    country.addEventListener("change", () => {
      if (!chosen) currency.value = usual[country.value] || "";
    });
  }

  // The running total of the cost shares, in the same words as the server's.
  const total = form.querySelector("[data-cost-total]");
  const scale = form.querySelector("[data-cost-scale]");
  const shares = [...form.querySelectorAll("input[data-cost-share]")];
  if (total && shares.length) {
    const read = () => {
      const given = shares.filter((input) => input.value.trim() !== "");
      const whole = given.every((input) => /^\d+$/.test(input.value.trim()));
      const sum = given.reduce((acc, input) => acc + (parseInt(input.value, 10) || 0), 0);
      return { given: given.length, whole, sum };
    };
    const show = () => {
      const { given, whole, sum } = read();
      let text;
      if (!given) text = "Total: 0 %. Leave them all empty, or make them add up to 100 %.";
      else if (!whole) text = "Total: not known yet, as some shares are not whole numbers.";
      else if (sum === 100) text = "Total: 100 %. That adds up.";
      else if (sum < 100) text = `Total: ${sum} %, so ${100 - sum} % is still to place.`;
      else text = `Total: ${sum} %, which is ${sum - 100} % too many.`;
      total.textContent = text;
      total.classList.toggle("text-success", given > 0 && whole && sum === 100);
      if (scale) scale.hidden = !(given && whole && sum > 0 && sum !== 100);
    };
    shares.forEach((input) => input.addEventListener("input", show));
    if (scale) {
      scale.addEventListener("click", () => {
        // Largest remainders, so the rounded shares add up to exactly 100.
        const { sum } = read();
        const parts = shares.map((input) => {
          const value = parseInt(input.value, 10) || 0;
          const exact = (value * 100) / sum;
          return { input, given: input.value.trim() !== "", floor: Math.floor(exact), rest: exact - Math.floor(exact) };
        });
        let left = 100 - parts.reduce((acc, p) => acc + p.floor, 0);
        [...parts].sort((a, b) => b.rest - a.rest).forEach((p) => { if (left > 0 && p.rest > 0) { p.floor += 1; left -= 1; } });
        parts.forEach((p) => { if (p.given) p.input.value = String(p.floor); });
        edits += 1;
        show();
        save();
      });
    }
    show();
  }
})();
