// Applies the theme picked on this device before the page's first paint, so a rep who chose dark (or light)
// never sees a flash of the other theme while the wasm loads (it applies the same choice again when it starts).
// A classic script in <head>: it runs before anything is drawn, and `script-src 'self'` allows it.
try {
  const theme = localStorage.getItem("trato.theme");
  if (theme === "light" || theme === "dark") document.documentElement.setAttribute("data-theme", theme);
} catch (_) {
  // No storage (private mode, blocked): the system's theme, as without a choice.
}
