// Type-ahead multiple choices (core.widgets.SearchSelectMultiple): Tom Select asks the server for
// one page of matches at a time; the options the page was rendered with are the chosen ones.
(function () {
  "use strict";

  function nextPage(url) {
    var next = new URL(url, window.location.href);
    next.searchParams.set("page", String(Number(next.searchParams.get("page") || 1) + 1));
    return next.pathname + next.search;
  }

  function text(value, className) {
    var div = document.createElement("div");
    div.className = className;
    div.textContent = value;
    return div;
  }

  function enhance(select) {
    var url = select.dataset.searchUrl;
    // eslint-disable-next-line no-new
    new window.TomSelect(select, {
      plugins: ["remove_button", "virtual_scroll"],
      valueField: "id",
      labelField: "text",
      searchField: [],
      maxOptions: null,
      preload: "focus",
      placeholder: select.dataset.placeholder,
      loadThrottle: 250,
      firstUrl: function (query) {
        return url + "?q=" + encodeURIComponent(query);
      },
      shouldLoad: function () {
        return true;
      },
      // The server has filtered and ordered the rows: keep them all, in its order.
      score: function () {
        return function () {
          return 1;
        };
      },
      load: function (query, callback) {
        var self = this;
        var pageUrl = self.getUrl(query);
        fetch(pageUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) {
            return response.json();
          })
          .then(function (data) {
            if (data.more) {
              self.setNextUrl(query, nextPage(pageUrl));
            }
            callback(data.results);
          })
          .catch(function () {
            callback();
          });
      },
      render: {
        no_results: function () {
          return text(select.dataset.noResults, "no-results");
        },
        loading_more: function () {
          return text(select.dataset.loading, "loading-more-results");
        },
        no_more_results: function () {
          return null;
        },
      },
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-search-url]").forEach(enhance);
  });
})();
