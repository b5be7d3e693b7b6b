"use strict";
document.getElementById("sign-in").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("error");
  error.textContent = "";
  const response = await fetch("/api/auth/sign-in", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ key: document.getElementById("key").value }),
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    error.textContent = problem.detail || problem.title || "Sign-in failed.";
    return;
  }
  const me = await response.json();
  location.href = me.pages.length ? "/" + me.pages[0].path : "/sign-in";
});
