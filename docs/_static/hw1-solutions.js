/* Folded solutions (sphinx-exercise + sphinx-togglebutton) that open on demand.
 *
 * - A link whose target sits inside a folded solution (on this page or from another
 *   page, e.g. #equation-eq-q1-...) opens that solution, and any enclosing one, and
 *   scrolls to the target: on load, on hashchange and on clicks of in-page links.
 * - Words highlighted by a search hit (?highlight=...) open their solutions too.
 * - A page with folded solutions gets one control that opens (or folds) them all.
 */
(() => {
  "use strict";
  const TOGGLE = ".admonition.toggle";
  const FOLDED = "toggle-hidden";

  const setOpen = (item, open) => {
    item.classList.toggle(FOLDED, !open);
    const button = item.querySelector(":scope > .admonition-title .toggle-button");
    if (button) {
      button.classList.toggle("toggle-button-hidden", !open);
      button.setAttribute("aria-expanded", String(open));
    }
  };

  /* Open every folded block that encloses `element`; return whether any was folded. */
  const openAround = (element) => {
    let opened = false;
    for (let item = element.closest(TOGGLE); item; item = item.parentElement?.closest(TOGGLE)) {
      if (item.classList.contains(FOLDED)) {
        setOpen(item, true);
        opened = true;
      }
    }
    return opened;
  };

  const targetOf = (hash) => {
    if (!hash || hash.length < 2) return null;
    let id = hash.slice(1);
    try {
      id = decodeURIComponent(id);
    } catch (_) {
      /* keep the raw id */
    }
    return document.getElementById(id);
  };

  const scrollWhenTypeset = (element) => {
    const scroll = () => element.scrollIntoView({ block: "start" });
    scroll();
    // MathJax changes the layout when it typesets; scroll again once it is done.
    if (window.MathJax?.startup?.promise) window.MathJax.startup.promise.then(scroll);
  };

  const openHash = () => {
    const target = targetOf(window.location.hash);
    if (target && openAround(target)) scrollWhenTypeset(target);
  };

  /* A click on a link to this page: open the target before the browser scrolls to it. */
  const onClick = (event) => {
    const link = event.target.closest?.("a[href]");
    if (!link) return;
    const url = new URL(link.href, document.baseURI);
    const here = new URL(window.location.href);
    if (url.origin !== here.origin || url.pathname !== here.pathname || !url.hash) return;
    const target = targetOf(url.hash);
    if (target && openAround(target) && url.hash === here.hash) scrollWhenTypeset(target);
  };

  const addOpenAllControl = () => {
    const items = Array.from(document.querySelectorAll(`.bd-article ${TOGGLE}`));
    const heading = document.querySelector(".bd-article h1");
    if (!items.length || !heading) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "hw1-open-all btn btn-sm";
    const label = () => {
      const allOpen = items.every((item) => !item.classList.contains(FOLDED));
      button.textContent = allOpen ? "Fold all solutions" : "Show all solutions";
      button.setAttribute("aria-pressed", String(allOpen));
    };
    button.addEventListener("click", () => {
      const open = items.some((item) => item.classList.contains(FOLDED));
      items.forEach((item) => setOpen(item, open));
      label();
    });
    new MutationObserver(label).observe(document.querySelector(".bd-article"), {
      subtree: true,
      attributes: true,
      attributeFilter: ["class"],
    });
    label();
    heading.insertAdjacentElement("afterend", button);
  };

  const start = () => {
    addOpenAllControl();
    openHash();
    document.querySelectorAll(".bd-article span.highlighted").forEach(openAround);
  };

  // After sphinx-togglebutton (loaded earlier) has folded the solutions on DOMContentLoaded.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => setTimeout(start, 0));
  } else {
    setTimeout(start, 0);
  }
  window.addEventListener("hashchange", openHash);
  document.addEventListener("click", onClick, true);
})();
