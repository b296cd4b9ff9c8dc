// 政务信息资源目录 portal: hash routes, the public catalogue API, no build step.
(function () {
  'use strict';
  var API = '/dprs/catalog';
  var app = document.getElementById('app');
  var FACET_NAMES = { provider: '提供部门', category: '资源分类', share_type: '共享类型', share_mode: '共享方式', update_cycle: '更新周期' };
  var SHARE = { '1': '无条件共享', '2': '有条件共享', '3': '不予共享' };
  var STATUS = { draft: '草稿', published: '已发布', rejected: '已驳回', retired: '已停用', superseded: '历史版本' };

  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function get(path) {
    return fetch(API + path).then(function (r) {
      return r.json().then(function (body) {
        if (body.result_code !== '200') throw new Error(body.msg);
        return body.data;
      });
    });
  }
  function params() {
    var q = location.hash.split('?')[1] || '';
    var out = {};
    new URLSearchParams(q).forEach(function (v, k) { out[k] = v; });
    return out;
  }
  function hashWith(base, p) {
    var s = new URLSearchParams();
    Object.keys(p).forEach(function (k) { if (p[k] !== undefined && p[k] !== '') s.set(k, p[k]); });
    var qs = s.toString();
    return '#' + base + (qs ? '?' + qs : '');
  }
  function fail(err) { app.innerHTML = '<p class="error">' + esc(err.message) + '</p>'; }
  function date(ms) { return ms ? new Date(Number(ms)).toISOString().slice(0, 10) : ''; }

  function searchPage() {
    var p = params();
    var qs = new URLSearchParams(p).toString();
    get('/resources' + (qs ? '?' + qs : '')).then(function (data) {
      var r = data[0];
      var facets = Object.keys(FACET_NAMES).map(function (f) {
        return '<h3>' + FACET_NAMES[f] + '</h3>' + r.facets[f].map(function (v) {
          var on = p[f] === v.value;
          var next = Object.assign({}, p, { page: '' });
          next[f] = on ? '' : v.value;
          return '<a class="facet' + (on ? ' on' : '') + '" data-facet="' + f + '" href="' + esc(hashWith('/', next)) + '">' + esc(v.label) + ' (' + v.count + ')</a>';
        }).join('');
      }).join('');
      var hits = r.results.map(function (h) {
        return '<div class="hit"><h2><a class="resource-link" href="#/resource/' + esc(h.code) + '">' + esc(h.name) + '</a></h2>' +
          '<div class="meta">' + esc(h.code) + ' · ' + esc(h.provider_name || h.provider_code) + ' · ' + esc(h.category) + ' · ' + esc(SHARE[h.share_type]) +
          ' · ' + esc(h.share_mode) + ' · ' + esc(h.update_cycle) + ' · 发布 ' + date(h.published_at) + '</div><p>' + esc(h.summary) + '</p></div>';
      }).join('') || '<p>没有符合条件的资源。</p>';
      var pages = Math.max(1, Math.ceil(r.total / r.page_size));
      app.innerHTML = '<form class="search"><input type="search" name="q" placeholder="资源名称、信息项、方法名" value="' + esc(p.q || '') + '"> <button type="submit">检索</button></form>' +
        '<div class="layout"><aside class="facets">' + facets + '</aside><section class="results"><p id="total">共 ' + r.total + ' 个资源（第 ' + r.page + '/' + pages + ' 页）</p>' + hits +
        '<div class="pager">' + (r.page > 1 ? '<a href="' + esc(hashWith('/', Object.assign({}, p, { page: r.page - 1 }))) + '">上一页</a> ' : '') +
        (r.page < pages ? '<a href="' + esc(hashWith('/', Object.assign({}, p, { page: r.page + 1 }))) + '">下一页</a>' : '') + '</div></section></div>';
      app.querySelector('form.search').addEventListener('submit', function (e) {
        e.preventDefault();
        location.hash = hashWith('/', Object.assign({}, p, { q: e.target.q.value, page: '' }));
      });
    }).catch(fail);
  }

  function docTable(doc) {
    var rows = doc.rows.map(function (r) {
      var head = r.value === '' && r.label !== '备注说明';
      var html = head ? '<tr class="section"><th colspan="4" data-label="' + esc(r.label) + '">' + esc(r.label) + '</th></tr>'
        : '<tr><th data-label="' + esc(r.label) + '">' + esc(r.label) + '</th><td colspan="3">' + (r.label === '接口返回示例' ? '<pre>' + esc(r.value) + '</pre>' : esc(r.value)) + '</td></tr>';
      if (r.label === '业务请求参数说明') {
        html += '<tr><th>参数名</th><th>参数说明</th><th>数据类型</th><th>描述及要求</th></tr>' + doc.request_params.map(function (x) {
          return '<tr class="param"><td>' + esc(x['参数名']) + '</td><td>' + esc(x['参数说明']) + '</td><td>' + esc(x['数据类型']) + '</td><td>' + esc(x['描述及要求']) + '</td></tr>';
        }).join('');
      }
      if (r.label === '业务返回参数') {
        html += '<tr><th>字段名</th><th>参数说明</th><th>数据类型</th><th>描述及要求</th></tr>' + doc.response_params.map(function (x) {
          return '<tr class="field"><td>' + esc(x['字段名']) + '</td><td>' + esc(x['参数说明']) + '</td><td>' + esc(x['数据类型']) + '</td><td>' + esc(x['描述及要求']) + '</td></tr>';
        }).join('');
      }
      return html;
    }).join('');
    return '<table class="interface-document" data-method="' + esc(doc.method) + '">' + rows + '</table>';
  }

  /** 有目录必有数据: whether the resource's library holds data, and whether it is kept up to date */
  function dataStateHtml(d) {
    if (!d) return '';
    var stamp = d.last_success_at ? new Date(d.last_success_at).toISOString().replace('T', ' ').slice(0, 16) + 'Z' : '无';
    return '<h3>数据状态</h3><table class="data-state' + (d.overdue ? ' overdue' : '') + '" data-state="' + esc(d.state) + '">' +
      '<tr><th>接入状态</th><td class="connection">' + esc(d.state) + (d.state === '待接入' ? '（尚未完成首次全量同步，接口暂不可调用）' : '') + '</td><th>记录数</th><td class="rows">' + d.rows + '</td></tr>' +
      '<tr><th>最近成功同步</th><td class="last-run">' + esc(stamp) + '</td><th>更新周期</th><td>' + esc(d.update_cycle) + '</td></tr>' +
      '<tr><th>时效</th><td colspan="3" class="freshness">' + (d.overdue ? '已超期：最近一次成功同步早于更新周期' : d.state === '待接入' ? '—' : '正常') + '</td></tr></table>';
  }

  function resourcePage(code) {
    var p = params();
    Promise.all([get('/resources/' + code + (p.version ? '?version=' + encodeURIComponent(p.version) : '')), get('/resources/' + code + '/versions')]).then(function (res) {
      var v = res[0][0];
      var reg = v.registration;
      var items = reg.items.map(function (i, n) {
        return '<tr><td>' + (n + 1) + '</td><td>' + esc(i.field) + '</td><td>' + esc(i.name) + '</td><td>' + esc(i.data_type) + '</td><td>' + esc(i.length || '') + '</td><td>' + (i.sensitive ? '是' : '否') + '</td></tr>';
      }).join('');
      var versions = res[1].map(function (x) {
        return '<li><a href="#/resource/' + esc(code) + '?version=' + x.version + '">版本 ' + x.version + '</a> ' + esc(STATUS[x.status] || x.status) + ' ' + date(x.published_at) +
          (x.version > 1 ? ' <a class="diff-link" href="#/diff/' + esc(code) + '?from=' + (x.version - 1) + '&to=' + x.version + '">与版本 ' + (x.version - 1) + ' 比较</a>' : '') + '</li>';
      }).join('');
      var ifaces = (reg.interfaces || []).map(function (f) { return '<div class="doc" id="doc-' + esc(f.method) + '"><h3>' + esc(f.method) + ' ' + esc(f.name) + '</h3><p class="meta">加载接口说明文档…</p></div>'; }).join('');
      app.innerHTML = '<h2 id="resource-name">' + esc(reg.name) + '</h2>' +
        '<table class="metadata"><tr><th>资源代码</th><td>' + esc(reg.code) + '</td><th>版本</th><td>' + v.version + '（' + esc(STATUS[v.status] || v.status) + '）</td></tr>' +
        '<tr><th>提供部门</th><td>' + esc(v.provider_name) + '（' + esc(reg.provider_code) + '）</td><th>资源分类</th><td>' + esc(reg.category) + ' ' + esc([reg.classification.lei, reg.classification.xiang, reg.classification.mu, reg.classification.ximu].filter(Boolean).join('/')) + '</td></tr>' +
        '<tr><th>共享类型</th><td>' + esc(SHARE[reg.share_type]) + (reg.share_condition ? '：' + esc(reg.share_condition) : '') + (reg.no_share_basis ? '：' + esc(reg.no_share_basis) : '') + '</td><th>共享方式</th><td>' + esc(reg.share_mode) + '</td></tr>' +
        '<tr><th>开放属性</th><td>' + esc(reg.open_type) + '</td><th>更新周期</th><td>' + esc(reg.update_cycle) + '</td></tr>' +
        '<tr><th>资源格式</th><td>' + esc(reg.format) + '</td><th>发布日期</th><td>' + date(v.published_at) + '</td></tr>' +
        '<tr><th>摘要</th><td colspan="3">' + esc(reg.summary) + '</td></tr>' +
        '<tr><th>关联资源</th><td colspan="3">' + (reg.related_codes || []).map(function (c) { return '<a href="#/resource/' + esc(c) + '">' + esc(c) + '</a>'; }).join(' ') + '</td></tr></table>' +
        dataStateHtml(v.data_state) +
        '<h3>信息项</h3><table class="items"><tr><th>序号</th><th>字段名</th><th>名称</th><th>数据类型</th><th>长度</th><th>敏感</th></tr>' + items + '</table>' +
        '<h3>版本</h3><ul class="versions">' + versions + '</ul>' +
        '<h3>服务接口</h3>' + (ifaces || '<p>无</p>');
      (reg.interfaces || []).forEach(function (f) {
        var box = document.getElementById('doc-' + f.method);
        get('/interfaces/' + encodeURIComponent(f.method) + '/document').then(function (d) {
          box.innerHTML = '<h3>数据接口说明文档：' + esc(f.method) + '</h3>' + docTable(d[0]) +
            '<p class="meta"><a href="' + API + '/interfaces/' + esc(f.method) + '/document?format=html" target="_blank">HTML</a> · <a href="' + API + '/interfaces/' + esc(f.method) + '/document?format=md">Markdown</a></p>';
        }).catch(function (e) { box.querySelector('.meta').textContent = e.message; });
      });
    }).catch(fail);
  }

  function diffPage(code) {
    var p = params();
    get('/resources/' + code + '/diff?from=' + encodeURIComponent(p.from || '') + '&to=' + encodeURIComponent(p.to || '')).then(function (data) {
      var d = data[0];
      var fields = d.fields.map(function (f) {
        return '<tr><td>' + esc(f.field) + '</td><td>' + esc(JSON.stringify(f.from)) + '</td><td>' + esc(JSON.stringify(f.to)) + '</td></tr>';
      }).join('') || '<tr><td colspan="3">无</td></tr>';
      var list = function (xs) { return xs.length ? xs.map(esc).join('、') : '无'; };
      app.innerHTML = '<h2>' + esc(code) + '：版本 ' + d.from + ' → ' + d.to + '</h2><p><a href="#/resource/' + esc(code) + '">返回资源</a></p>' +
        '<h3>元数据</h3><table class="diff"><tr><th>字段</th><th>版本 ' + d.from + '</th><th>版本 ' + d.to + '</th></tr>' + fields + '</table>' +
        '<h3>信息项</h3><p>新增：' + list(d.items.added) + '</p><p>删除：' + list(d.items.removed) + '</p><p>修改：' + list(d.items.changed.map(function (c) { return c.field; })) + '</p>' +
        '<h3>服务接口</h3><p>新增：' + list(d.interfaces.added) + '</p><p>删除：' + list(d.interfaces.removed) + '</p><p>修改：' + list(d.interfaces.changed) + '</p>';
    }).catch(fail);
  }

  function licensingPage() {
    var p = params();
    var qs = new URLSearchParams(Object.assign({ page_size: '50' }, p)).toString();
    get('/licensing-items?' + qs).then(function (data) {
      var r = data[0];
      var pages = Math.max(1, Math.ceil(r.total / r.page_size));
      app.innerHTML = '<form class="search"><input type="search" name="q" placeholder="事项名称或证照类型代码" value="' + esc(p.q || '') + '"> <button type="submit">检索</button></form>' +
        '<p id="total">区级行政许可事项 共 ' + r.total + ' 项（第 ' + r.page + '/' + pages + ' 页）</p><table class="licensing"><tr><th>序号</th><th>证照类型代码</th><th>实施部门</th><th>事项名称</th></tr>' +
        r.results.map(function (i) { return '<tr><td>' + i.seq + '</td><td>' + esc(i.code) + '</td><td><a href="' + esc(hashWith('/licensing', { department: i.department })) + '">' + esc(i.department) + '</a></td><td>' + esc(i.name) + '</td></tr>'; }).join('') + '</table>' +
        '<div class="pager">' + (r.page > 1 ? '<a href="' + esc(hashWith('/licensing', Object.assign({}, p, { page: r.page - 1 }))) + '">上一页</a> ' : '') +
        (r.page < pages ? '<a href="' + esc(hashWith('/licensing', Object.assign({}, p, { page: r.page + 1 }))) + '">下一页</a>' : '') + '</div>';
      app.querySelector('form.search').addEventListener('submit', function (e) {
        e.preventDefault();
        location.hash = hashWith('/licensing', { q: e.target.q.value });
      });
    }).catch(fail);
  }

  function methodsPage() {
    get('/listMethods').then(function (ms) {
      app.innerHTML = '<h2>已发布的服务接口</h2><table class="methods"><tr><th>方法名</th><th>接口名称</th><th>所属资源</th><th>共享类型</th><th>状态</th></tr>' + ms.map(function (m) {
        return '<tr><td>' + esc(m.method) + '</td><td>' + esc(m.name) + '</td><td><a href="#/resource/' + esc(m.resource_code) + '">' + esc(m.resource_name) + '</a></td><td>' + esc(SHARE[m.share_type]) + '</td><td class="state">' + esc(m.state) + '</td></tr>';
      }).join('') + '</table>';
    }).catch(fail);
  }

  // 事项数据需求清单: each 事项's materials and whether data replaces them (可免提交), and the 免提交率
  function pct(r) { return r === null || r === undefined ? '—' : (r * 100).toFixed(1) + '%'; }
  function stateOf(c) {
    return c.exempt ? '<span class="exempt">可免提交</span>' : '<span class="missing">缺：' + c.missing_names.map(esc).join('、') + '</span>';
  }

  function mattersPage() {
    var p = params();
    var qs = new URLSearchParams(Object.assign({ with_materials: '1', page_size: '50' }, p)).toString();
    get('/matters?' + qs).then(function (data) {
      var r = data[0];
      var pages = Math.max(1, Math.ceil(r.total / r.page_size));
      var rows = r.results.map(function (m) {
        return '<tr class="matter"><td><a class="matter-link" href="#/matter/' + esc(m.code) + '">' + esc(m.code) + '</a></td><td>' + esc(m.name) + '</td><td><a href="' + esc(hashWith('/matters', Object.assign({}, p, { department: m.department_code, page: '' }))) + '">' + esc(m.department_name) + '</a></td><td>' + m.materials.length + '</td><td>' + m.exempt + '</td><td>' +
          m.materials.map(function (x) { return esc(x.name) + '（' + stateOf(x.coverage) + '）'; }).join('；') + '</td></tr>';
      }).join('');
      var all = p.with_materials === '0';
      app.innerHTML = '<form class="search"><input type="search" name="q" placeholder="事项名称或事项编码" value="' + esc(p.q || '') + '"> <button type="submit">检索</button> ' +
        '<a href="' + esc(hashWith('/matters', Object.assign({}, p, { with_materials: all ? '' : '0', page: '' }))) + '">' + (all ? '只看已梳理材料的事项' : '显示全部事项') + '</a> · <a href="#/matters-report">免提交率统计</a> · ' +
        '<a href="' + API + '/matters/export?format=xlsx">导出调研表（XLSX）</a> <a href="' + API + '/matters/export?format=csv">CSV</a></form>' +
        '<p id="total">事项 共 ' + r.total + ' 项（第 ' + r.page + '/' + pages + ' 页）</p><table class="matters"><tr><th>事项编码</th><th>事项名称</th><th>实施部门</th><th>材料数</th><th>可免提交</th><th>材料</th></tr>' + rows + '</table>' +
        '<div class="pager">' + (r.page > 1 ? '<a href="' + esc(hashWith('/matters', Object.assign({}, p, { page: r.page - 1 }))) + '">上一页</a> ' : '') +
        (r.page < pages ? '<a href="' + esc(hashWith('/matters', Object.assign({}, p, { page: r.page + 1 }))) + '">下一页</a>' : '') + '</div>';
      app.querySelector('form.search').addEventListener('submit', function (e) {
        e.preventDefault();
        location.hash = hashWith('/matters', Object.assign({}, p, { q: e.target.q.value, page: '' }));
      });
    }).catch(fail);
  }

  function matterPage(code) {
    get('/matters/' + encodeURIComponent(code)).then(function (data) {
      var m = data[0];
      var rows = m.materials.map(function (x) {
        var c = x.coverage;
        var replace = c.resource_code ? '<a href="#/resource/' + esc(c.resource_code) + '">' + esc(c.resource_name) + '</a>' + (c.method ? ' · ' + esc(c.method) : '') +
          '<br><span class="meta">' + c.items.map(function (i) { return esc(i.item) + '→' + (i.field ? esc(i.field) : '无'); }).join('，') + '</span>' : '';
        return '<tr class="material"><td>' + esc(x.name) + '</td><td>' + x.items.map(esc).join('、') + '</td><td>' + esc(x.provider_name || x.provider_code) + '</td><td>' + esc(x.usage) + '</td><td>' + esc(x.purpose) + '</td><td>' + stateOf(c) + '</td><td>' + replace + '</td></tr>';
      }).join('') || '<tr><td colspan="7">尚未梳理申请材料。</td></tr>';
      app.innerHTML = '<h2 id="matter-name">' + esc(m.name) + '</h2><p class="meta">' + esc(m.code) + ' · ' + esc(m.kind) + ' · 实施部门 ' + esc(m.department_name) + (m.result ? ' · 办理结果 ' + esc(m.result) : '') +
        ' · 材料 ' + m.materials.length + ' 项，可免提交 ' + m.exempt + ' 项</p><p><a href="#/matters">返回事项清单</a></p>' +
        '<table class="materials"><tr><th>材料名称</th><th>信息项</th><th>提供单位</th><th>使用方式</th><th>使用目的</th><th>共享状态</th><th>替代的资源、接口与信息项</th></tr>' + rows + '</table>';
    }).catch(fail);
  }

  function reportPage() {
    var p = params();
    var qs = new URLSearchParams(p).toString();
    get('/matters/report' + (qs ? '?' + qs : '')).then(function (data) {
      var r = data[0];
      var line = function (cls, a, b, c, f) { return '<tr class="' + cls + '"><td>' + a + '</td><td>' + b + '</td><td>' + c + '</td><td>' + f.materials + '</td><td>' + f.exempt + '</td><td>' + pct(f.rate) + '</td><td>' + f.lookups + '</td></tr>'; };
      var file = API + '/matters/report?from=' + encodeURIComponent(r.from) + '&to=' + encodeURIComponent(r.to) + '&format=';
      app.innerHTML = '<h2>政务服务事项免提交率</h2><form class="period">统计期间 <input type="date" name="from" value="' + esc(r.from) + '"> 至 <input type="date" name="to" value="' + esc(r.to) + '"> <button type="submit">统计</button> ' +
        '<a href="' + esc(file) + 'xlsx">导出 XLSX</a> <a href="' + esc(file) + 'csv">CSV</a></form>' +
        '<p id="total-rate">全区：材料 ' + r.total.materials + ' 项，可免提交 ' + r.total.exempt + ' 项，免提交率 ' + pct(r.total.rate) + '，期间查询 ' + r.total.lookups + ' 次</p>' +
        '<h3>按部门</h3><table class="report-departments"><tr><th>部门</th><th>事项数</th><th></th><th>材料数</th><th>可免提交</th><th>免提交率</th><th>查询次数</th></tr>' +
        r.departments.map(function (d) { return line('department', esc(d.department_name), d.matters, '', d); }).join('') + line('total', '合计', r.total.matters, '', r.total) + '</table>' +
        '<h3>按事项</h3><table class="report-matters"><tr><th>事项编码</th><th>事项名称</th><th>实施部门</th><th>材料数</th><th>可免提交</th><th>免提交率</th><th>查询次数</th></tr>' +
        r.matters.map(function (m) { return line('matter', '<a href="#/matter/' + esc(m.code) + '">' + esc(m.code) + '</a>', esc(m.name), esc(m.department_name), m); }).join('') + '</table>';
      app.querySelector('form.period').addEventListener('submit', function (e) {
        e.preventDefault();
        location.hash = hashWith('/matters-report', { from: e.target.from.value, to: e.target.to.value });
      });
    }).catch(fail);
  }

  function route() {
    var path = (location.hash.replace(/^#/, '').split('?')[0]) || '/';
    var m = /^\/resource\/(\d+\/\d+)$/.exec(path);
    var dm = /^\/diff\/(\d+\/\d+)$/.exec(path);
    var mm = /^\/matter\/([A-Z0-9-]{1,32})$/.exec(path);
    if (m) resourcePage(m[1]);
    else if (dm) diffPage(dm[1]);
    else if (path === '/licensing') licensingPage();
    else if (path === '/methods') methodsPage();
    else if (mm) matterPage(mm[1]);
    else if (path === '/matters') mattersPage();
    else if (path === '/matters-report') reportPage();
    else searchPage();
  }
  window.addEventListener('hashchange', route);
  route();
})();
