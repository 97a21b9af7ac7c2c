// The leaders' dashboard: its bar of sections marks the one being read, so a leader knows where on the long page they
// are. Bootstrap's scrollspy, started here rather than by data attributes on <body>, which every page shares.
document.addEventListener("DOMContentLoaded", () => {
  const nav = document.getElementById("dashboard-nav");
  if (nav && window.bootstrap) {
    // The section whose top is in the upper part of the screen, below the bar, counts as the one being read.
    window.bootstrap.ScrollSpy.getOrCreateInstance(document.body, { target: nav, rootMargin: "-60px 0px -50%" });
  }
});
