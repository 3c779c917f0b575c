import { decodeHTML } from 'entities';

import { PERCENT_RUN, utf8OfPercentRun } from './percent-escapes.js';

/**
 * Patterns of credentials that must never reach a log or the audit trail: an `Authorization`
 * value, a compact JWS/JWE (its header segment always starts `eyJ`, base64url of `{"`), or any
 * three long base64url segments joined by dots.
 */
const TOKEN_PATTERNS: readonly RegExp[] = [
  /\bbearer[\s:=]+\S/i,
  /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\./,
  /[A-Za-z0-9_-]{12,}\.[A-Za-z0-9_-]{12,}\.[A-Za-z0-9_-]{12,}/,
];

/**
 * A long unbroken run of letters and digits, both present: an API key or opaque token. Hyphens
 * break a run, so a UUID (a correlation id) is not one.
 */
const OPAQUE_SECRET = /(?=\w*\d)(?=\w*[A-Za-z])\w{32,}/;

/**
 * What may stand between the digits of a written number: anything that is neither a letter nor a
 * digit (spaces, punctuation, symbols, private-use and unassigned code points), modifier letters
 * (a tatweel) and the click letters that look like bars (U+01C0 to U+01C3).
 */
const SEPARATOR = String.raw`(?:[^\p{L}\p{N}]|[\p{Lm}\u01c0-\u01c3])`;
/** A digit of any script, or a digit-like number (a dingbat ❶) that has no plain form. */
const DIGIT = String.raw`[\p{Nd}\p{No}]`;
/** Groups of digits, each at most eight separators from the next: one written number. */
const DIGIT_RUN = new RegExp(String.raw`${DIGIT}+(?:${SEPARATOR}{1,8}${DIGIT}+)*`, 'gu');
/**
 * What may stand between the groups of an EIN or SSN: a run of separators, or up to three
 * characters that are not digits (a letter standing in for a dash: `53x0196932`), spaced or not
 * (`53 no 0196932`).
 */
const FEW_LETTERS = String.raw`${SEPARATOR}{0,8}[^\p{N}]{1,3}${SEPARATOR}{0,8}`;
const GROUP_GAP = String.raw`(?:${SEPARATOR}{1,64}|${FEW_LETTERS})`;
const DIGIT_GROUP = new RegExp(String.raw`${DIGIT}+`, 'gu');
/** Thirteen digits or more with no separator: a bank account number written in one piece. */
const UNBROKEN_ACCOUNT = new RegExp(String.raw`${DIGIT}{13}`, 'u');
/**
 * An EIN (12-3456789) or an SSN or ITIN (123-45-6789) in its own grouping, however far apart the
 * groups stand (`12 - - - 3456789`).
 */
const TAX_ID_SHAPES: readonly RegExp[] = [
  new RegExp(String.raw`(?<!${DIGIT})${DIGIT}{2}${GROUP_GAP}${DIGIT}{7}(?!${DIGIT})`, 'u'),
  new RegExp(
    String.raw`(?<!${DIGIT})${DIGIT}{3}${GROUP_GAP}${DIGIT}{2}${GROUP_GAP}` +
      String.raw`${DIGIT}{4}(?!${DIGIT})`,
    'u',
  ),
];

/**
 * Every number the text writes as consecutive groups of one run of digits, up to `maxDigits`
 * digits, whatever stands before or after: `12-34 5` gives `12`, `1234`, `12345`, `34`, `345`
 * and `5`.
 */
function* groupedNumbers(text: string, maxDigits: number): Generator<string> {
  for (const [run] of text.matchAll(DIGIT_RUN)) {
    const groups = [...run.matchAll(DIGIT_GROUP)].map(([group]) => group);
    for (let first = 0; first < groups.length; first += 1) {
      let digits = '';
      for (let last = first; last < groups.length; last += 1) {
        digits += groups[last] ?? '';
        if ([...digits].length > maxDigits) break;
        yield digits;
      }
    }
  }
}

/**
 * True when the text holds nine digits written as one number (consecutive groups of it, whatever
 * stands before or after: `2023/53-0196932`, `123-45-6789, 2`) or an EIN or SSN shape.
 */
function holdsTaxId(text: string): boolean {
  if (TAX_ID_SHAPES.some((shape) => shape.test(text))) return true;
  for (const digits of groupedNumbers(text, 9)) {
    if ([...digits].length === 9) return true;
  }
  return false;
}

/** Luhn's check, which every payment card number passes; ASCII digits only. */
function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let value = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) value = value * 2 > 9 ? value * 2 - 9 : value * 2;
    sum += value;
  }
  return sum % 10 === 0;
}

/**
 * True when the text holds a payment card number (13 to 19 digits written as one number, or as
 * consecutive groups of one, that pass Luhn's check; in digits of another script, any such
 * number) or a bank account number written in one piece (13 or more digits without a separator;
 * twelve are let through, as award and other identifiers have them).
 */
function holdsAccountNumber(text: string): boolean {
  if (UNBROKEN_ACCOUNT.test(text)) return true;
  // An expiry date, a CVV or a second card beside a card does not hide it:
  // `4111 1111 1111 1111 12/26` holds one.
  for (const digits of groupedNumbers(text, 19)) {
    if ([...digits].length < 13) continue;
    if (!/^[0-9]+$/.test(digits) || passesLuhn(digits)) return true;
  }
  return false;
}

/** Between the words of a secret's name: up to three spaces, underscores, dots or dashes. */
const JOIN = '[\\s_.-]{0,3}';
/**
 * Names that say a secret follows whichever way they are written (`API key`, `x_api_key`,
 * `Refresh-Token`). Besides an assignment, a space or a dash may stand before the value, as in
 * a header written out (`X-API-Key Abc123...`), but then only a value shaped like a key counts
 * (see {@link KEY_VALUE}), so `API key FY2024Q3 rotation` stays a reason.
 */
const KEY_NAMES = [
  `(?:api|account|secret|private|access|subscription)${JOIN}key(?:${JOIN}id)?`,
  `shared${JOIN}access${JOIN}(?:key|signature)`,
  `(?:aws${JOIN})?secret${JOIN}access${JOIN}key`,
  `client${JOIN}secret(?:${JOIN}value)?`,
  `(?:access|refresh|session|auth|id|bearer)${JOIN}token`,
  'token',
  'secret',
];
/** Names under which a connection string, query, header or config line carries a secret. */
const SECRET_NAMES = [...KEY_NAMES, 'sig', 'pass(?:word|wd)?', 'pwd'];
/**
 * A value that may read as a key even without `=`: twelve or more letters and digits (and the
 * `+/=_~.` of encoded keys), both kinds present, no dash (ticket and control ids have them).
 * Captured, for {@link holdsSpacedKey}'s last test.
 */
const KEY_CHARS = '[A-Za-z0-9+/=_~.]';
const KEY_VALUE =
  String.raw`(?=${KEY_CHARS}*\d)(?=${KEY_CHARS}*[A-Za-z])` +
  String.raw`(${KEY_CHARS}{12,})(?![A-Za-z0-9+/=_~-])`;
/**
 * What may stand between a key's name and its value: spaces, dashes, dots (an ellipsis reads as
 * three), `=>`, arrows, a bar, `is`, `was`, and an opening quote or bracket.
 */
const KEY_SEPARATOR =
  String.raw`(?:[\s:=>.|\u2013\u2014\u2026\u2192"'\x60\u201c\u2018(\[<{-]` +
  String.raw`|\bis\b|\bwas\b){1,6}`;
/** Not after a letter or digit: `_` and `-` start a name too (`x_api_key`, `X-API-Key`). */
const NAME_START = '(?<![A-Za-z0-9])';
/** A secret's value: eight or more characters with both a letter and a digit, as keys have. */
const SECRET_VALUE = String.raw`(?=[^\s&;"']*\d)(?=[^\s&;"']*[A-Za-z])[^\s&;"']{8,}`;
/** Names a password goes by; bare `pass` is left to the rule above (`pass: round2` is prose). */
const PASSWORD_NAMES = 'pass(?:word|wd|phrase|code)|pwd|pw';
/**
 * A password's value, which people keep shorter and simpler than a key: anything assigned with
 * `=`, `:=` or `=>`, or four or more characters with a digit after `:`, a dash, `is`, `was` or a
 * plain space (`password: reset-requested` reads as prose). A quote may open the value.
 */
const PASSWORD_VALUE = [
  String.raw`\s*:?=>?\s*(?:["']\s*)?[^\s&;"']+`,
  // A value never starts with a dash, so a long run of dashes is not re-read at every length.
  String.raw`(?:\s*(?::|-+|\bis\b|\bwas\b)\s*|\s+)(?:["']\s*)?(?!-)(?=[^\s&;"']*\d)[^\s&;"']{4,}`,
].join('|');
/** Provider keys known by their prefix: Slack, GitHub, GitLab, AWS, Google, `sk-` API keys. */
const PROVIDER_KEYS = [
  'xox[a-z]-[A-Za-z0-9-]{10,}',
  'gh[pousr]_[A-Za-z0-9]{20,}',
  'glpat-[A-Za-z0-9_-]{20,}',
  '(?:AKIA|ASIA)[0-9A-Z]{16}',
  'AIza[0-9A-Za-z_-]{35}',
  'sk-[A-Za-z0-9_-]{20,}',
  // An Entra ID client secret: three characters, a digit, `Q~`, then the rest.
  '[A-Za-z0-9_~.]{3}\\dQ~[A-Za-z0-9_~.-]{31,}',
];
/**
 * Credentials known by their shape: a secret assigned to one of those names (`AccountKey=…`,
 * `sig=…`, `password: …`, `password is …`), a password even when short (`pwd=hunter2`), HTTP
 * Basic credentials, a provider key, and the start of a base64url JSON object (`eyJ`: a JWT's
 * header or claims cut from the token).
 */
const CREDENTIAL_SHAPES: readonly RegExp[] = [
  new RegExp(
    String.raw`${NAME_START}(?:${SECRET_NAMES.join('|')})\s*(?:[=:]|\bis\b)\s*["']?${SECRET_VALUE}`,
    'i',
  ),
  new RegExp(String.raw`\b(?:${PASSWORD_NAMES})(?:${PASSWORD_VALUE})`, 'i'),
  new RegExp(String.raw`\bbasic\s+${SECRET_VALUE}`, 'i'),
  new RegExp(String.raw`\b(?:${PROVIDER_KEYS.join('|')})`),
  /eyJ[A-Za-z0-9_-]{17,}/,
];

/** A key's name, then only spaces, dashes or brackets, then a value shaped like a key. */
const SPACED_KEY = new RegExp(
  String.raw`${NAME_START}(?:${KEY_NAMES.join('|')})${KEY_SEPARATOR}${KEY_VALUE}`,
  'gi',
);

/**
 * Whether a key follows a key's name with no `=` or `:` between them (`X-API-Key Abc123…`,
 * `api key "abcd1234efgh5678"`). Without the assignment the value must look like a key, not a
 * ticket or an award id: a lower-case letter in it, or twenty characters or more
 * (`Access token RITM00123456` and `Secret key 693JJ32140012` stay reasons).
 */
function holdsSpacedKey(text: string): boolean {
  for (const match of text.matchAll(SPACED_KEY)) {
    const value = match[1] ?? '';
    if (/[a-z]/.test(value) || value.length >= 20) return true;
  }
  return false;
}

/** Characters that hide between others: format characters, default-ignorables, combining marks. */
const HIDDEN = /[\p{Cf}\p{Default_Ignorable_Code_Point}\p{M}]/gu;
const PERCENT_ESCAPE = /%([0-9A-Fa-f]{2})/g;
/** Decoding rounds before a text that still decodes is refused: more than honest text needs. */
const MAX_DECODING_ROUNDS = 8;
/**
 * JSON and JavaScript character escapes (`\u0031`, `\u{31}`, `\x31`) and the radix of their
 * digits. HTML references, named and numbered, are read by `entities` as a browser reads them.
 */
const CHARACTER_ESCAPES: readonly (readonly [RegExp, number])[] = [
  [/\\u\{0*([0-9A-Fa-f]{1,6})\}/g, 16],
  [/\\u([0-9A-Fa-f]{4})/g, 16],
  [/\\x([0-9A-Fa-f]{2})/g, 16],
];

/** The character a code point names, or `escape` itself when it names none. */
function characterOf(code: number, escape: string): string {
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : escape;
}

/** A run of percent escapes decoded: as UTF-8 when it is UTF-8, else each byte as Latin-1. */
function decodePercentRun(run: string): string {
  return (
    utf8OfPercentRun(run) ??
    run.replace(PERCENT_ESCAPE, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
  );
}

/** One round of decoding: percent escapes, HTML references, JSON and JavaScript escapes. */
function decodeOnce(text: string): string {
  let decoded = text.replace(PERCENT_RUN, decodePercentRun);
  // `&shy;`, `&#49;`, `&#x31` (browsers read a reference without its `;` too).
  if (decoded.includes('&')) decoded = decodeHTML(decoded);
  for (const [pattern, radix] of CHARACTER_ESCAPES) {
    decoded = decoded.replace(pattern, (escape: string, digits: string) =>
      characterOf(Number.parseInt(digits, radix), escape),
    );
  }
  return decoded;
}

/**
 * The text as the checks read it: percent and character escapes decoded until nothing more
 * decodes (a text encoded many times over; at most eight rounds, each only shortens it, and a
 * text that still decodes after them is reported unsettled), compatibility forms folded
 * (full-width letters, digits and dots; mathematical, circled and superscript digits), and
 * whatever hides between characters removed, so a disguise of the same characters reads as them.
 */
function foldForChecks(text: string): { readonly folded: string; readonly settled: boolean } {
  let folded = text;
  for (let round = 0; ; round += 1) {
    const decoded = decodeOnce(folded);
    if (decoded === folded) {
      return { folded: folded.normalize('NFKC').replace(HIDDEN, ''), settled: true };
    }
    // Encoded more times over than the rounds allowed: not read further.
    if (round === MAX_DECODING_ROUNDS) return { folded, settled: false };
    folded = decoded;
  }
}

/**
 * True when the text looks like a bearer token or JWT anywhere inside it, as written. The audit
 * trail applies this to every field of every event, so it stays a few plain patterns.
 */
export function looksLikeToken(text: string): boolean {
  return TOKEN_PATTERNS.some((pattern) => pattern.test(text));
}

/**
 * Which sensitive value a caller's free text seems to hold, read through its disguises (percent
 * escapes, HTML and `\u` character escapes, compatibility forms, hidden characters): a credential
 * (`token_like`: a bearer value, a JWT or a piece of one, dotted base64url segments even with
 * spaces around the dots, a 32-character run of letters and digits, a secret assigned in a
 * connection string, a provider key; also a token as written, before decoding, which is how the
 * audit trail reads it) or a tax id (`tax_id_like`: nine digits written as one number, in any
 * script and with any separators, whatever numbers stand beside them, or an EIN or SSN grouping
 * however far apart its groups are) or a card or bank account number (`account_number_like`, see
 * `holdsAccountNumber`). Errs towards refusing: a date with a time (12/04/2026 9), a DUNS, an
 * amount of nine digits (1,234,567.89) or three three-digit numbers read as a tax id, an
 * identifier of thirteen digits or more, or a date and time that happen to pass Luhn's check,
 * read as an account number.
 */
export function sensitiveContentOf(
  text: string,
): 'token_like' | 'tax_id_like' | 'account_number_like' | undefined {
  const { folded, settled } = foldForChecks(text);
  // Still encoded after eight rounds: no reason a person types, and the checks cannot read it.
  if (!settled) return 'token_like';
  const undotted = folded.replace(/\s*\.\s*/g, '.');
  // The raw text too: the audit trail checks it as written.
  const isCredential =
    looksLikeToken(text) ||
    looksLikeToken(folded) ||
    looksLikeToken(undotted) ||
    OPAQUE_SECRET.test(folded) ||
    CREDENTIAL_SHAPES.some((shape) => shape.test(folded)) ||
    holdsSpacedKey(folded);
  if (isCredential) return 'token_like';
  if (holdsTaxId(folded)) return 'tax_id_like';
  return holdsAccountNumber(folded) ? 'account_number_like' : undefined;
}
