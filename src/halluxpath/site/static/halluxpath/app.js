// HalluxPath page behaviour. An ES module with no inline code, so the strict
// Content-Security-Policy holds. Every page works without it; it only adds.

// A form marked data-single-submit cannot be sent twice by a double click:
// its buttons are disabled once it is on its way. The server refuses a
// repeated submission anyway (versions, unique numbers); this spares the
// user the message.
function guardDoubleSubmit(form) {
  form.addEventListener("submit", (event) => {
    if (form.dataset.submitting === "true") {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "true";
    // Disable only after the browser has collected the form data, so the
    // clicked button's name and value are still sent.
    setTimeout(() => {
      for (const button of form.querySelectorAll("button[type=submit], button:not([type])")) {
        button.disabled = true;
      }
    }, 0);
  });
}

function init(root) {
  for (const form of root.querySelectorAll("form[data-single-submit]")) {
    guardDoubleSubmit(form);
  }
}

init(document);

// A page that comes back with form errors moves focus to the error summary,
// so a keyboard or screen-reader user hears what is wrong first; its links
// take them to each field.
const summary = document.querySelector("[data-error-summary]");
if (summary) summary.focus();

// Coming back with the browser's Back button shows the page from its cache
// with the buttons still disabled: enable them again.
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) return;
  for (const form of document.querySelectorAll("form[data-single-submit]")) {
    form.dataset.submitting = "false";
    for (const button of form.querySelectorAll("button")) button.disabled = false;
  }
});
