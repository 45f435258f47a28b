// Progressive enhancement for 社区学校与学习点: a button that fills ?lat=&lng= from the phone's location.
// Without JavaScript (or without location) the town chooser alone works.
(function () {
  "use strict";
  var form = document.getElementById("near-me-form");
  if (!form || !("geolocation" in navigator)) return;
  var row = form.querySelector("[data-near-me]");
  var button = form.querySelector("[data-near-me-button]");
  var status = form.querySelector("[data-near-me-status]");
  var lat = form.querySelector("[data-near-lat]");
  var lng = form.querySelector("[data-near-lng]");
  row.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = status.dataset.busy;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        lat.value = position.coords.latitude.toFixed(5);
        lng.value = position.coords.longitude.toFixed(5);
        lat.disabled = false;
        lng.disabled = false;
        form.submit();
      },
      function () { status.textContent = status.dataset.denied; },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 }
    );
  });
})();
