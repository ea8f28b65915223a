/* Live reload for a rendered page: the server says when a watched file changed. */
(function () {
  "use strict";
  var events = new EventSource("/events");
  events.addEventListener("reload", function () { location.reload(); });
}());
