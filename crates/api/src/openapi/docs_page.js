(function () {
  var box = document.getElementById('search');
  var count = document.getElementById('search-count');
  var operations = Array.prototype.slice.call(document.querySelectorAll('article.op'));
  var tags = Array.prototype.slice.call(document.querySelectorAll('section.tag'));
  var links = {};
  Array.prototype.forEach.call(document.querySelectorAll('[data-op]'), function (item) {
    links[item.getAttribute('data-op')] = item;
  });
  function filter() {
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    operations.forEach(function (operation) {
      var text = operation.getAttribute('data-search');
      var match = words.every(function (word) { return text.indexOf(word) !== -1; });
      operation.hidden = !match;
      if (links[operation.id]) { links[operation.id].hidden = !match; }
      if (match) { shown += 1; }
    });
    tags.forEach(function (tag) {
      var empty = !tag.querySelector('article.op:not([hidden])');
      tag.hidden = empty;
      var entry = document.getElementById('nav-' + tag.id);
      if (entry) { entry.hidden = empty; }
    });
    count.textContent = words.length ? shown + ' of ' + operations.length + ' operations' : '';
  }
  box.addEventListener('input', filter);
  document.addEventListener('keydown', function (event) {
    if (event.key === '/' && document.activeElement !== box) { event.preventDefault(); box.focus(); }
    if (event.key === 'Escape' && document.activeElement === box) { box.value = ''; filter(); }
  });
  var asked = new URLSearchParams(window.location.search).get('q');
  if (asked) { box.value = asked; }
  if (box.value) { filter(); }
})();
