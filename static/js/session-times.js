// Beside a session's start: what the chosen time is for each other person of the match, in their own time
// zone. The typed value is a wall-clock time in the viewer's zone (data-viewer-zone), read the same way the
// server reads it; the list items carry each other person's zone (data-zone) and name (data-name).
(function () {
  var partsFormat = {};

  function offsetMinutes(instant, zone) {
    // The zone's offset from UTC at `instant` (ms), from the wall clock Intl shows there at that moment.
    if (!partsFormat[zone]) {
      partsFormat[zone] = new Intl.DateTimeFormat("en-US", {
        timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", second: "2-digit"
      });
    }
    var v = {};
    partsFormat[zone].formatToParts(new Date(instant)).forEach(function (part) { v[part.type] = part.value; });
    var wall = Date.UTC(+v.year, +v.month - 1, +v.day, +v.hour % 24, +v.minute, +v.second);
    return Math.round((wall - instant) / 60000);
  }

  function instantOf(value, zone) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
    if (!m) {
      return null;
    }
    var wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
    // Two rounds: the offset at the first guess may differ from the one at the real instant (clock changes).
    var guess = wall - offsetMinutes(wall, zone) * 60000;
    var instant = wall - offsetMinutes(guess, zone) * 60000;
    // A time the clocks skip maps to no instant: say nothing (the server explains when the form is sent).
    return instant + offsetMinutes(instant, zone) * 60000 === wall ? instant : null;
  }

  // Written in the page's language (English pages keep the day-month order of the server-rendered clocks).
  var pageLanguage = document.documentElement.lang;
  var locale = pageLanguage && pageLanguage !== "en" ? pageLanguage : "en-GB";

  function describe(instant, zone) {
    return new Intl.DateTimeFormat(locale, {
      timeZone: zone, weekday: "short", day: "numeric", month: "short",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short"
    }).format(new Date(instant));
  }

  document.querySelectorAll("[data-viewer-zone]").forEach(function (box) {
    var input = document.getElementById(box.dataset.startInput);
    var out = box.querySelector("[aria-live]");
    if (!input || !out || !window.Intl) {
      return;
    }
    function update() {
      try {
        var instant = input.value ? instantOf(input.value, box.dataset.viewerZone) : null;
        if (instant === null) {
          out.textContent = "";
          return;
        }
        var lines = [];
        box.querySelectorAll("[data-zone]").forEach(function (item) {
          var forName = box.dataset.forName || "{time} for {name}";
          lines.push(forName.replace("{time}", describe(instant, item.dataset.zone)).replace("{name}", item.dataset.name));
        });
        var sentence = box.dataset.sentence || "At that time it is {times}.";
        out.textContent = sentence.replace("{times}", lines.join(box.dataset.separator || "; "));
      } catch (error) {
        out.textContent = "";  // an unknown zone name: the server-rendered clocks above still say enough
      }
    }
    input.addEventListener("change", update);
    input.addEventListener("input", update);
    update();
  });
})();
