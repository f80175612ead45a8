// A port of indicators/targets.py (parse_target) for the editor: it splits "≥95%" into sign,
// number and unit while the person types. The server's parser stays the authority (it stores
// the parts); tests/browser/test_targets_js.py runs this over test_targets.py's table.
(function (root) {
  "use strict";

  var BLANK = /[\s\u200b\ufeff\x1c-\x1f\x85]+/g;
  // NFKC already folds full-width forms; these symbols have no compatibility mapping.
  var SYMBOLS = {
    "≥": ">=", "≧": ">=", "⩾": ">=", "≤": "<=", "≦": "<=", "⩽": "<=", "〜": "~",
    "‐": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-"
  };
  var SYMBOL_OP = /^(?:>=|=>|<=|=<|==|>|<|=)/;
  var SYMBOL_OPS = { ">=": ">=", "=>": ">=", "<=": "<=", "=<": "<=", "==": "=", ">": ">", "<": "<", "=": "=" };
  var WORD_OPS = {
    "大于或等于": ">=", "大于等于": ">=", "不低于": ">=", "不少于": ">=", "不小于": ">=", "至少": ">=",
    "达到": ">=", "小于或等于": "<=", "小于等于": "<=", "不超过": "<=", "不高于": "<=", "不大于": "<=",
    "不多于": "<=", "至多": "<=", "最多": "<=", "控制在": "<=", "大于": ">", "高于": ">", "超过": ">",
    "多于": ">", "小于": "<", "低于": "<", "少于": "<", "等于": "="
  };
  var WORD_OP = new RegExp("^(?:" + Object.keys(WORD_OPS).sort(function (a, b) {
    return b.length - a.length;
  }).join("|") + ")");
  var SUFFIX_OP = /(?:及|或)?(以上|以下|以内|之内|内)$/;
  var SUFFIX_OPS = { "以上": ">=", "以下": "<=", "以内": "<=", "之内": "<=", "内": "<=" };
  var NUMBER = "[0-9]{1,3}(?:,[0-9]{3})+(?:\\.[0-9]+)?|[0-9]+(?:\\.[0-9]+)?";
  var FIRST_NUMBER = new RegExp("^([+-]?)(" + NUMBER + ")");
  // Anchored and followed by characters the class excludes: no backtracking to blow up.
  var RANGE_REST = new RegExp("^([^0-9~\\-至到]*)(?:~+|-+|至|到)(" + NUMBER + ")");
  // Python's [^\W\d_]: letters, and numerals that are not decimal digits.
  var UNIT = /^(?:[\p{L}\p{Nl}\p{No}]|[%‰/·°()]|(?<=m)[23])*$/u;
  var MAX_UNIT_LENGTH = 10;
  var TRAILING_PUNCTUATION = /[。.,;:!?、]+$/;
  var UNIT_REMARK = /\([\p{L}\p{Nl}\p{No}]+\)$/u;

  function normalize(text) {
    return String(text == null ? "" : text).normalize("NFKC").replace(BLANK, "");
  }

  function translateSymbols(text) {
    var out = "";
    for (var i = 0; i < text.length; i++) {
      var ch = text.charAt(i);
      out += Object.prototype.hasOwnProperty.call(SYMBOLS, ch) ? SYMBOLS[ch] : ch;
    }
    return out;
  }

  // str(Decimal(number)) for the plain numbers this parser reads: the digits as written,
  // leading zeros dropped, a "+" dropped.
  function decimalText(sign, number) {
    var digits = number.replace(/,/g, "");
    var parts = digits.split(".");
    var whole = parts[0].replace(/^0+(?=\d)/, "");
    return (sign === "-" ? "-" : "") + whole + (parts.length > 1 ? "." + parts[1] : "");
  }

  function isWhole(numberText) {
    var parts = numberText.split(".");
    return parts.length === 1 || /^0*$/.test(parts[1]);
  }

  function isTimePoint(low, high, unit) {
    var numbers = high === null ? [low] : [low, high];
    if (!numbers.every(isWhole)) return false;
    var values = numbers.map(Number);
    if (unit.indexOf("年") === 0) return values.every(function (n) { return n >= 1900 && n <= 2100; });
    if (unit.indexOf("月") === 0) return values.every(function (n) { return n >= 1 && n <= 12; });
    return false;
  }

  function isUnit(unit) {
    return Array.from(unit).length <= MAX_UNIT_LENGTH && UNIT.test(unit);
  }

  // -> {text, kind, op, low, high, unit, opWritten}; low and high as decimal strings or null.
  function parseTarget(text) {
    var raw = text == null ? "" : String(text);
    var qualitative = { text: raw, kind: "qualitative", op: "", low: null, high: null, unit: "", opWritten: false };
    var value = translateSymbols(normalize(raw)).replace(TRAILING_PUNCTUATION, "");

    var op = "";
    var match = SYMBOL_OP.exec(value);
    if (match) {
      op = SYMBOL_OPS[match[0]];
      value = value.slice(match[0].length);
    } else if ((match = WORD_OP.exec(value))) {
      op = WORD_OPS[match[0]];
      value = value.slice(match[0].length);
    }
    var suffix = SUFFIX_OP.exec(value);
    if (suffix) value = value.slice(0, suffix.index);

    var first = FIRST_NUMBER.exec(value);
    if (!first) return qualitative;
    var low = decimalText(first[1], first[2]);
    var rest = value.slice(first[0].length);

    var unit, high = null, opWritten;
    var second = RANGE_REST.exec(rest);
    if (second) {
      var firstUnit = second[1];
      unit = rest.slice(second[0].length);
      if (firstUnit && unit && firstUnit !== unit) return qualitative;
      if (op !== "" && op !== "=") return qualitative;
      unit = unit || firstUnit;
      high = decimalText("", second[2]);
      op = "range";
      opWritten = true;
    } else {
      unit = rest;
      opWritten = Boolean(op || suffix);
      op = op || (suffix ? SUFFIX_OPS[suffix[1]] : "=");
    }
    unit = unit.replace(UNIT_REMARK, "");
    if (!isUnit(unit) || isTimePoint(low, high, unit)) return qualitative;
    return { text: raw, kind: "quantitative", op: op, low: low, high: high, unit: unit, opWritten: opWritten };
  }

  var OP_SIGNS = { ">=": "ge", ">": "gt", "=": "eq", "<": "lt", "<=": "le" };

  // The 计算符号 the parser is sure of, as Indicator.sign stores it; "" when it is not.
  function signOf(target) {
    if (target.kind === "qualitative") return target.text.trim() ? "qualitative" : "";
    return target.opWritten && OP_SIGNS[target.op] ? OP_SIGNS[target.op] : "";
  }

  root.perfgoalsTargets = { parseTarget: parseTarget, signOf: signOf, normalize: normalize };
})(window);
