import { describe, expect, it } from 'vitest';

import { looksLikeToken, sensitiveContentOf } from './sensitive-text.js';

/** Each character as `\\u{…}` with its hex padded by zeros. */
const paddedEscapes = (text: string): string =>
  [...text].map((c) => `\\u{00000${c.charCodeAt(0).toString(16)}}`).join('');

/** Decimal digits written in the script whose zero is `zero` (full-width, Arabic-Indic). */
const inScript = (zero: number, digits: string): string =>
  [...digits].map((digit) => String.fromCodePoint(zero + Number(digit))).join('');

/** The text percent-encoded `times` times over. */
const percentTimes = (text: string, times: number): string => {
  let encoded = [...text].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
  for (let round = 1; round < times; round += 1) encoded = encoded.replaceAll('%', '%25');
  return encoded;
};

const JWS =
  'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhYmMiLCJyb2xlcyI6WyJFRFMuUmVhZGVyIl19.' +
  'dGhpcy1pcy1ub3QtYS1yZWFsLXNpZ25hdHVyZQ';

describe('looksLikeToken', () => {
  it.each([
    ['a compact JWS', JWS],
    ['a JWS inside other text', `resource awards/1?t=${JWS}`],
    ['an unsigned JWT', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'],
    ['an Authorization header value', 'Bearer abc.def'],
    ['three long base64url segments', 'AAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBB.CCCCCCCCCCCCCCCC'],
  ])('flags %s', (_case, text) => {
    expect(looksLikeToken(text)).toBe(true);
  });

  it.each([
    ['a dotted event name', 'auth.token_rejected.retry'],
    ['a route template', 'v1/awards/{id}'],
    ['a UUID', '3f0c2b7e-5a41-4d0e-9b1a-6c2d8e9f0a1b'],
    ['a SHA-256 digest', 'a'.repeat(64)],
    ['a key version', 'kek-0002'],
  ])('lets %s through', (_case, text) => {
    expect(looksLikeToken(text)).toBe(false);
  });
});

describe('sensitiveContentOf', () => {
  it.each([
    ['an EIN', 'Checking EIN 53-0196932 for the audit'],
    ['nine plain digits', 'recipient 530196932'],
    ['an SSN', 'SSN 123-45-6789, then'],
    ['an SSN with spaces', '123 45 6789'],
    ['mixed separators', '123-45 6789'],
    ['an en dash', 'EIN 53\u20130196932'],
    ['a minus sign', 'EIN 53\u22120196932'],
    ['a non-breaking space', 'EIN 53\u00a00196932'],
    ['dots', '123.45.6789'],
    ['slashes', '123/45/6789'],
    ['groups of three', '530 196 932'],
    ['two spaces', '53  0196932'],
    ['full-width digits', '\uff15\uff13\uff10\uff11\uff19\uff16\uff19\uff13\uff12'],
    ['Arabic-Indic digits', '\u0665\u0663\u0660\u0661\u0669\u0666\u0669\u0663\u0662'],
    ['Devanagari digits', '\u096b\u0969\u0966\u0967\u096f\u096c\u096f\u0969\u0968'],
    [
      'mathematical bold digits',
      '\u{1d7d3}\u{1d7d1}\u{1d7ce}\u{1d7cf}\u{1d7d7}\u{1d7d4}\u{1d7d7}\u{1d7d1}\u{1d7d0}',
    ],
    ['circled digits', '\u2464\u2462\u24ea\u2460\u2468\u2465\u2468\u2462\u2461'],
    ['superscript digits', '\u2075\u00b3\u2070\u00b9\u2079\u2076\u2079\u00b3\u00b2'],
    ['soft hyphens between digits', '53\u00ad019\u00ad6932'],
    ['tag characters between digits', '5301\u{e0020}96932'],
    ['combining marks on digits', '5\u03013\u030101969\u034f32'],
    ['percent escapes', '53%2D0196932'],
    ['percent-escaped digits', '%35%33%30%31%39%36%39%33%32'],
    ['underscores', '123_45_6789'],
    ['brackets', '(123) 45 6789'],
    ['HTML character references', '&#49;&#50;&#51;-&#52;&#53;-&#54;&#55;&#56;&#57;'],
    ['hex character references', '&#x31;&#X32;&#x33;456789'],
    ['JSON escapes', '\\u0031\\u00323-45-6789'],
    ['spaced dashes', '12 - 3456789'],
    ['a pipe', '12 | 3456789'],
    ['a caret', '12^3456789'],
    ['a tatweel', '12\u06403456789'],
    ['dingbat digits', '\u2776\u2777-\u2778\u2779\u277a\u277b\u277c\u277d\u277e'],
    ['references without semicolons', '&#49&#50-3456789'],
    ['a named soft hyphen', 'ein 521234&shy;567'],
    ['a named dash', '52&ndash;1234567'],
    ['a named reference encoded twice', '52&amp;shy;1234567'],
    [
      'percent-escaped UTF-8 full-width digits',
      `EIN ${encodeURIComponent(inScript(0xff10, '530196932'))}`,
    ],
    [
      'percent-escaped UTF-8 Arabic-Indic digits',
      `EIN ${encodeURIComponent(inScript(0x0660, '530196932'))}`,
    ],
    ['braced escapes padded with zeros', `EIN ${paddedEscapes('530196932')}`],
    ['four rounds of percent encoding', `EIN ${percentTimes('530196932', 4)}`],
    ['eight rounds of percent encoding', `EIN ${percentTimes('530196932', 8)}`],
    ['four rounds of HTML encoding', 'EIN &amp;amp;amp;amp;#53;3-0196932'],
    ['hex escapes', '\\x31\\x32-3456789'],
    ['braced escapes', '\\u{31}\\u{32}-3456789'],
    ['triple percent encoding', '%2525312-3456789'],
    ['a year after it', 'EIN 53-0196932, 2024 Single Audit'],
    ['a year before it', 'Single Audit 2023/53-0196932'],
    ['a case number before it', 'case 7: 53-0196932 follow-up'],
    ['a count after it', 'EIN 53-0196932 (1 of 2) check'],
    ['a count after an SSN', 'Owner SSN 123-45-6789, 2 records'],
    ['a private-use character', 'EIN 53\ue0000196932 check'],
    ['a click letter', 'EIN 53\u01c00196932 check'],
    ['four dashes', 'EIN 53----0196932 check'],
    ['spaced SSN groups', '123 -  45 -  6789'],
    ['thirteen spaces between EIN groups', 'Verify EIN 53             0196932 with IRS'],
    ['a letter standing in for the dash', 'Verify EIN 53x0196932 with IRS'],
    ['an Arabic letter between the groups', 'Verify EIN 53\u06270196932 with IRS'],
    ['a runic letter between the groups', 'EIN 53\u16c10196932'],
    ['letters between SSN groups', '123O45O6789'],
    ['a spaced word between the groups', 'Verify EIN 53 no 0196932 with IRS'],
    ['two letters set off by dashes', 'EIN 53-ab-0196932'],
    ['spaced letters between SSN groups', '123 - ab - 45 - cd - 6789'],
    ['groups of three four spaces apart', '530    196    932'],
    ['five and four digits far apart', 'EIN 53019    6932'],
  ])('reads a tax id in %s', (_case, text) => {
    expect(sensitiveContentOf(`review of ${text} ok`)).toBe('tax_id_like');
  });

  it.each([
    ['a card number in groups of four', 'card 4111 1111 1111 1111 for payment'],
    ['a card number with dashes', 'card 5500-0000-0000-0004'],
    ['a card number in one piece', 'card 378282246310005'],
    ['a bank account of thirteen digits', 'bank acct 1234567890123 for recipient'],
    ['a bank account of seventeen digits', 'acct 12345678901234567 closure'],
    ['a card number and its expiry', 'card 4111 1111 1111 1111 12/26'],
    ['a card number and its CVV', 'card 4111 1111 1111 1111 123'],
    ['a card number, expiry and CVV', 'card 4111 1111 1111 1111, 12/26, 123'],
    ['two card numbers', 'cards 4111 1111 1111 1111 / 5500 0000 0000 0004'],
    ['a card number in Arabic-Indic digits', `card \u0664${'\u0661'.repeat(15)}`],
  ])('reads an account number in %s', (_case, text) => {
    expect(sensitiveContentOf(`review of ${text} ok`)).toBe('account_number_like');
  });

  it('reads a token as the audit trail sees it, written, even if its decoding is harmless', () => {
    expect(sensitiveContentOf('Review of record \\x6eyJabcdefgh.. for audit')).toBe('token_like');
  });

  const JWT_PARTS = ['eyJhbGciOiJSUzI1NiJ9', 'eyJzdWIiOiJhYmMifQ', 'c2lnbmF0dXJlLWJ5dGVz'];
  it.each([
    ['a JWT', JWT_PARTS.join('.')],
    ['a JWT with full-width dots', JWT_PARTS.join('\uff0e')],
    ['a JWT with escaped dots', JWT_PARTS.join('%2E')],
    ['a JWT with spaced dots', JWT_PARTS.join(' . ')],
    ['a bearer value', 'Bearer abcdefghijklmnop'],
    ['a bearer value after a colon', 'Bearer:abcdefghijklmnop'],
    ['a full-width bearer', '\uff22earer abcdefghijklmnop'],
    ['an opaque API key', 'gho_16C7e42F292c6912E7710c838347Ae178B4a'],
    ['a storage account key', `AccountKey=${'Ab3+/'.repeat(17)}xyz=`],
    ['a SAS signature, percent-encoded', 'sv=2024-11-04&sig=AbCdEf0123456789%2Bxyz%3D'],
    ['a password', 'password: hunter2hunter2'],
    ['a Slack token', 'xoxb-123456789012-abcdefABCDEF'],
    ['an AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
    ['an sk- API key', 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz'],
    ['a piece of a JWT, dots replaced', 'eyJhbGciOiJSUzI1NiIs-InR5cCI6IkpXVCJ9'],
    ['an AWS secret key', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['Basic credentials', 'Authorization: Basic dXNlcjpTdXAzclMzY3JldCEyMDI0'],
    ['a password given in words', 'the password is Sup3rS3cret2024'],
    ['a quoted password', 'password = "Sup3rS3cret2024"'],
    ['a client secret', 'client secret: Abc123def456ghi'],
    ['a temporary AWS key id', 'ASIAIOSFODNN7EXAMPLE'],
    ['a Google API key', `AIza${'Sy0_x-'.repeat(5)}12345`],
    ['a GitLab token', 'glpat-abcdefghij1234567890'],
    ['an Entra client secret', 'Rotate app secret Xy78Q~abcDEF123-ghi.JKL456mno_pqr789STUvw now'],
    ['a short password assigned', 'password=hunter2 for db admin'],
    ['a short password after a colon', 'password: hunter2 for db admin'],
    ['a short pwd', 'pwd=hunter2 for db admin'],
    ['a password of letters assigned', 'passwd=letmein'],
    ['a short password in words', 'the password is abc123'],
    ['a password set with :=', 'password := hunter2'],
    ['a quoted password with a space', "password: ' hunter2'"],
    ['a password after a space', 'password hunter2 (vendor gave it)'],
    ['a password after a dash', 'password - hunter2 per vendor'],
    ['a password that was', 'password was hunter2 per call'],
    ['a pw', 'pw: hunter2 per vendor'],
    ['a passphrase', 'passphrase: hunter2 per vendor'],
    ['a passcode', 'passcode 4521 for the portal'],
    ['a text still encoded after eight rounds', `ref ${percentTimes('12-3456789', 9)}`],
    ['a password assigned through a named reference', 'pwd&equals;hunter2'],
    ['an API key named in two words', 'api key: abcd1234efgh5678'],
    ['an API key assigned, spaced', 'API key = abcd1234efgh5678'],
    ['an API key header written out', 'X-API-Key abcd1234efgh5678'],
    ['an API key after its name alone', 'the api-key abcd1234efgh5678 from the vendor'],
    ['an account key in two words', 'account key: Abc123def456ghi'],
    ['an access token in two words', 'access token = Abc123def456ghi'],
    ['a client secret after its name alone', 'client_secret Abc123def456ghi'],
    ['an AWS secret key, spaced', 'AWS secret access key: wJalrXUtnFEMI/K7MDENG'],
    ['a name after an underscore', 'x_api_key=abcd1234efgh5678'],
    ['a refresh token assigned', 'refresh_token=abcd1234efgh5678'],
    ['a name spaced twice', 'api  key abcd1234efgh5678'],
    ['a dotted name', 'api.key abcd1234efgh5678'],
    ['a value after a dash', 'api key - abcd1234efgh5678'],
    ['a value after =>', 'api key => abcd1234efgh5678'],
    ['a value after an ellipsis', 'access token\u2026 abcd1234efgh5678'],
    ['a private key', 'private key abcd1234efgh5678'],
    ['a session token', 'session token abcd1234efgh5678'],
    ['a subscription key header', 'Ocp-Apim-Subscription-Key abcd1234efgh5678'],
    ['a client secret value', 'client secret value Abc123def456ghi'],
    ['a bare token', 'token abcd1234efgh5678'],
    ['a quoted key after its name', 'api key "abcd1234efgh5678"'],
    ['a bracketed key after its name', 'api key (abcd1234efgh5678)'],
    ['a key in curly quotes', 'api key \u201cabcd1234efgh5678\u201d'],
    ['a key ending a question', 'access token abcd1234efgh5678?'],
    ['a key after a bar', 'subscription key|abcd1234efgh5678'],
    ['a key after an arrow', 'API key \u2192 abcd1234efgh5678'],
    ['a long upper-case key after its name', 'API KEY ABCDEFGHIJ1234567890'],
  ])('reads a credential in %s', (_case, text) => {
    expect(sensitiveContentOf(`see ${text} here`)).toBe('token_like');
  });

  it.each([
    ['a plain reason', 'Reconciling the Single Audit submission for FY2024'],
    ['a ticket number', 'per ticket INC-20261204'],
    ['eight digits', 'case 12345678'],
    ['a phone number', 'called (202) 555-0123'],
    ['ten digits', 'phone 2025550123'],
    ['a date', 'review of 2026-12-04'],
    ['a UUID', 'correlation 3f0c2b7e-5a41-4d0e-9b1a-6c2d8e9f0a1b'],
    [
      'accents and other scripts',
      'Révision du dossier, 東京, \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645',
    ],
    ['a dotted name', 'per section 2.4.1 of the grant agreement'],
    ['a password reset', 'password reset requested by the vendor'],
    ['a password policy', 'password: expired, reset by the help desk'],
    ['a password age', 'the password is 2 days old'],
    ['a review pass', 'Pass: round2 payee review'],
    ['a pass-through entity', 'Annual review, pass=through entity check'],
    ['a second pass', 'Second pass: review payee 2024 filing'],
    ['a password reset date', 'password was reset on 2024-11-30'],
    ['a protected file', 'password-protected file sent for FY2024'],
    ['a key point', 'key: the reviewer asked for the FY2024 ledger'],
    ['an API key rotation', 'API key rotation for FY2024 per the access token policy'],
    ['a client secret expiry', 'client secret expired 2026-12-01, vendor notified'],
    ['a fiscal quarter after a key', 'API key FY2024Q3 rotation review for the DC division'],
    ['a ticket after a token', 'Access token INC0012345 incident follow-up'],
    ['a dated audit after a secret', 'Client secret 2024-rotation audit; confirm payee'],
    ['a control after a key', 'Confirm EIN after API key NIST-800-53 IA-5 review'],
    ['a procedure after a key', 'Secret access key SOP-2023-07 compliance check'],
    ['a change ticket after a key', 'private key custody review per SC-12, ticket CHG0034567'],
    ['a quarter after a token', 'refresh token reuse detection review Q3FY2024'],
    ['a timeout after a token', 'Access token TTL-15min policy review, Single Audit FY2023'],
    ['a long ticket after a token', 'Access token RITM00123456 request, verifying the EIN'],
    ['an award id after a key', 'Secret key 693JJ32140012 award closeout reference'],
    ['a bracketed ticket after a key', 'API key (INC0012345) follow-up'],
    ['significant figures', 'sig figs rechecked'],
    ['an underscored date', 'batch_2026_12_04'],
    ['a skeleton key', 'sk-1 draft'],
    ['a password reset with a dash', 'Password: reset-requested by the DC division office'],
    ['an approval', 'Sig: approved-by-division-administrator for audit'],
    ['a rotation review', 'API-key: rotation-schedule review for vendor portal'],
    ['a basic review', 'basic review of the FY2024 ledger'],
    ['an amount in thousands', 'adjusted by 12,345,678 in FY2024'],
    ['a date and a time', 'reviewed 2026-12-04 09:30'],
    ['a twelve-digit number', 'award 123456789012'],
    ['sixteen digits in groups failing Luhn', 'batch 4111 1111 1111 1112'],
    ['an obligation id', 'obligation 1000000001 reviewed'],
    ['a date, time and seconds failing Luhn', 'reviewed 2026-12-04 09:30:12'],
  ])('lets %s through', (_case, text) => {
    expect(sensitiveContentOf(text)).toBeUndefined();
  });
});
