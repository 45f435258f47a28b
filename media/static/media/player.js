/* 线上课 player: the browser's own <video>/<audio>, with large buttons, speed, quality, "listen only" and
 * captions, and — for a signed-in learner — progress reports that count as learning.
 *
 * No framework, no inline script (CSP). Without this file the page still plays with the browser's controls.
 * Reporting: the first play opens a viewing (POST …/viewings); then every report sends the viewing's played
 * segments so far ([[start, end], …], merged here), the playhead and what happened: "play", "pause", "seek",
 * "ended", "leave", or "heartbeat" every 30 s while playing. Seeking never adds a segment: a segment grows
 * only while time advances by small steps during playback. Leaving the page sends a last report with
 * fetch(keepalive) — sendBeacon cannot carry the CSRF header the session API needs. */
(function () {
  "use strict";
  var root = document.querySelector("[data-player]");
  if (!root) return;
  var media = root.querySelector("[data-media]");
  var controls = root.querySelector("[data-controls]");
  var status = root.querySelector("[data-status]");
  var playButton = root.querySelector("[data-action=play]");
  var HEARTBEAT_MS = 30000;
  // A step larger than this between two timeupdates (at most 1.5× speed, ~4 updates a second) is a jump, unless
  // the clock says the media could have played that far: a busy phone sends its timeupdates late.
  var MAX_STEP = 2.5;
  controls.hidden = false;

  // A wide screen starts one quality up (the page lists 360p first: the phones' default), before any resume.
  var firstQuality = root.querySelector("[data-quality]");
  if (firstQuality && firstQuality.options.length > 1 && window.matchMedia && window.matchMedia("(min-width: 60rem)").matches) {
    firstQuality.selectedIndex = 1;
    media.querySelector("source").setAttribute("src", firstQuality.value);
    media.load();
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // --- Resume where the learner stopped (server side when signed in; this browser's memory otherwise) ---
  var storageKey = "lesson-position:" + root.dataset.lesson;
  var resumeAt = parseFloat(root.dataset.resume) || 0;
  if (!root.dataset.progressUrl) {
    try { resumeAt = parseFloat(window.localStorage.getItem(storageKey)) || 0; } catch (e) { resumeAt = 0; }
  }
  function seekTo(seconds) {
    if (seconds > 0) {
      try { media.currentTime = seconds; } catch (e) { /* metadata not loaded yet */ }
    }
  }
  if (media.readyState >= 1) seekTo(resumeAt);
  else media.addEventListener("loadedmetadata", function once() {
    media.removeEventListener("loadedmetadata", once);
    seekTo(resumeAt);
  });

  // --- Large controls ---
  function syncPlayLabel() {
    playButton.textContent = media.paused ? root.dataset.labelPlay : root.dataset.labelPause;
  }
  playButton.addEventListener("click", function () {
    if (media.paused) media.play(); else media.pause();
  });
  media.addEventListener("play", syncPlayLabel);
  media.addEventListener("pause", syncPlayLabel);
  root.querySelector("[data-action=back]").addEventListener("click", function () {
    media.currentTime = Math.max(0, media.currentTime - 10);
  });
  var speed = root.querySelector("[data-speed]");
  speed.addEventListener("change", function () { media.playbackRate = parseFloat(speed.value) || 1; });

  // Switching the source keeps the playhead, the speed and whether it was playing.
  function switchSource(url) {
    var at = media.currentTime, wasPlaying = !media.paused, rate = media.playbackRate;
    switching = true;
    media.src = url;
    media.addEventListener("loadedmetadata", function once() {
      media.removeEventListener("loadedmetadata", once);
      media.currentTime = at;
      media.playbackRate = rate;
      lastTime = at;
      lastWall = performance.now();
      switching = false;
      if (wasPlaying) media.play();
    });
    media.load();
  }
  var switching = false;
  var quality = root.querySelector("[data-quality]");
  var listen = root.querySelector("[data-action=listen]");
  if (quality) {
    quality.addEventListener("change", function () {
      if (listen) listen.setAttribute("aria-pressed", "false");
      root.classList.remove("player--listening");
      switchSource(quality.value);
    });
  }
  if (listen) {
    listen.addEventListener("click", function () {
      var on = listen.getAttribute("aria-pressed") !== "true";
      listen.setAttribute("aria-pressed", on ? "true" : "false");
      root.classList.toggle("player--listening", on);
      var videoUrl = quality ? quality.value : media.querySelector("source").getAttribute("src");
      switchSource(on ? listen.dataset.audioSrc : videoUrl);
    });
  }
  var captions = root.querySelector("[data-action=captions]");
  function showCaptions(on) {
    for (var i = 0; i < media.textTracks.length; i++) media.textTracks[i].mode = on && i === 0 ? "showing" : "hidden";
  }
  if (captions) {
    showCaptions(true);
    captions.addEventListener("click", function () {
      var on = captions.getAttribute("aria-pressed") !== "true";
      captions.setAttribute("aria-pressed", on ? "true" : "false");
      showCaptions(on);
    });
  }

  // --- Played segments ---
  var segments = [];   // merged [[start, end], …] played in this viewing
  var current = null;  // the segment growing now
  var lastTime = media.currentTime || 0;
  var lastWall = performance.now();  // when lastTime was read
  var seekFrom = null;

  function addSegment(start, end) {
    if (!(end > start)) return;
    segments.push([start, end]);
    segments.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    segments.forEach(function (s) {
      var last = merged[merged.length - 1];
      if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
      else merged.push([s[0], s[1]]);
    });
    segments = merged;
  }
  var lastEnd = null;   // where the last closed segment ended
  function closeSegment() {
    if (current) { addSegment(current[0], current[1]); lastEnd = current[1]; current = null; }
  }
  function snapshot() {
    var all = segments.map(function (s) { return [s[0], s[1]]; });
    if (current && current[1] > current[0]) all.push([current[0], current[1]]);
    return all.map(function (s) { return [Math.round(s[0] * 1000) / 1000, Math.round(s[1] * 1000) / 1000]; });
  }
  media.addEventListener("timeupdate", function () {
    var now = media.currentTime, wall = performance.now();
    if (switching) return;
    // What the media could have played since the last update at this speed (plus a little for the clock).
    var possible = ((wall - lastWall) / 1000) * media.playbackRate + 0.5;
    if (!media.paused && !media.seeking && now >= lastTime && now - lastTime <= Math.max(MAX_STEP, possible)) {
      if (!current) current = [lastTime, now];
      else current[1] = now;
    }
    lastTime = now;
    lastWall = wall;
    if (!root.dataset.progressUrl) {
      try { window.localStorage.setItem(storageKey, String(Math.floor(now))); } catch (e) { /* private mode */ }
    }
  });
  media.addEventListener("seeking", function () {
    if (switching) return;
    closeSegment();
    if (seekFrom === null) seekFrom = lastTime;
  });
  media.addEventListener("seeked", function () {
    if (switching) return;
    var from = seekFrom;
    seekFrom = null;
    lastTime = media.currentTime;
    lastWall = performance.now();
    if (from !== null && Math.abs(from - media.currentTime) > 1) report("seek", { seek_from: from, seek_to: media.currentTime });
  });

  // --- Reporting (signed-in learners) ---
  var viewing = null, opening = null, heartbeat = null, lastSent = "";
  // What a report would say: leaving the page sends one only if something changed since the last.
  function stateKey() { return JSON.stringify([snapshot(), Math.round(media.currentTime || 0)]); }
  function post(url, body, keepalive) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body)
    });
  }
  function openViewing() {
    if (!root.dataset.viewingsUrl) return null;
    if (!opening) {
      opening = post(root.dataset.viewingsUrl, {}).then(function (response) {
        if (!response.ok) throw new Error("viewing " + response.status);
        return response.json();
      }).then(function (data) { viewing = data.id; return viewing; });
      opening.catch(function () { opening = null; });
    }
    return opening;
  }
  function showResult(data) {
    if (!status || !data) return;
    status.textContent = root.dataset.labelPercent + data.percent + "%";
  }
  function report(event, extra, keepalive) {
    if (!root.dataset.progressUrl) return;
    var send = function () {
      if (!viewing) return;
      var body = { viewing: viewing, segments: snapshot(), position: media.currentTime || 0, event: event };
      lastSent = stateKey();
      if (extra) Object.keys(extra).forEach(function (k) { body[k] = extra[k]; });
      var request = post(root.dataset.progressUrl, body, keepalive);
      if (!keepalive) request.then(function (r) { return r.ok ? r.json() : null; }).then(showResult).catch(function () {});
    };
    if (viewing) send();
    else { var pending = openViewing(); if (pending) pending.then(send).catch(function () {}); }
  }
  media.addEventListener("play", function () {
    lastTime = media.currentTime;
    lastWall = performance.now();
    if (switching) return;
    report("play");
    if (!heartbeat) heartbeat = window.setInterval(function () { if (!media.paused) report("heartbeat"); }, HEARTBEAT_MS);
  });
  media.addEventListener("pause", function () {
    if (switching || media.seeking) return;
    closeSegment();
    if (!media.ended) report("pause");
  });
  media.addEventListener("ended", function () {
    // Playback stops before the last timeupdate: the segment that ran into the end reaches it.
    closeSegment();
    if (lastEnd !== null && media.duration - lastEnd <= MAX_STEP) addSegment(lastEnd, media.duration);
    report("ended");
  });
  window.addEventListener("pagehide", function () {
    closeSegment();
    if (viewing && stateKey() !== lastSent) report("leave", null, true);
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && viewing && !media.paused) report("heartbeat", null, true);
  });

})();
