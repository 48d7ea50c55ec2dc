// Feed HTML to plain text: invisible blocks gone, blocks on their own lines, entities decoded, whitespace collapsed.
import { decodeHTML } from 'entities';
import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/mentions/html-text.js';
import { seededRandom } from '../../bench/bench-support.js';

/** htmlToText as it was written before it was made linear (its regular expressions, tried at every position). */
function quadraticHtmlToText(html: string): string {
  const withoutMarkup = html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(script|style|noscript|template)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<\/?(p|div|br|li|ul|ol|h[1-6]|blockquote|tr|td|th|table|section|article|header|footer|pre)\b[^>]*>/gi, '\n')
    .replace(/<\/?[a-zA-Z][^>]*>/g, '');
  return decodeHTML(withoutMarkup)
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

const FRAGMENTS = ['<p>', '<p', '</p >', '>', '<!--', '-->', '--->', '<script>', '</script>', '<SCRIPT type="x">', '</Script  >', '</script',
  '<style>', '</style>', '<noscript>', '</noscript>', '<template>', '</template>', '<scripts>', '<b>', '</b>', '<br/>', '<', 'acme',
  ' ', '  ', '\n', '\r', '\t', '\u2003', '\u00a0', '&amp;', '&lt;', '&', 'text', '<a href="x">', '<h2>', '<param>', '<!-->'];

describe('htmlToText', () => {
  it('removes scripts, styles, noscript and templates with their content', () => {
    const html = '<p>Before</p><script type="text/javascript">var x = "<b>acme</b>";</script><style>p { color: red }</style>'
      + '<noscript>enable JS</noscript><template><p>hidden</p></template><p>After</p>';
    expect(htmlToText(html)).toBe('Before\nAfter');
  });

  it('removes upper-case script tags and their content', () => {
    expect(htmlToText('Hi<SCRIPT>alert("acme")</SCRIPT> there')).toBe('Hi there');
  });

  it('removes comments', () => {
    expect(htmlToText('Visible<!-- acme secret -->text')).toBe('Visible text');
  });

  it('turns block tags into line breaks', () => {
    expect(htmlToText('<h1>Title</h1><p>First</p><div>Second</div>Third<br>Fourth<br/>Fifth<ul><li>one</li><li>two</li></ul>'))
      .toBe('Title\nFirst\nSecond\nThird\nFourth\nFifth\none\ntwo');
  });

  it('drops inline tags without breaking the words', () => {
    expect(htmlToText('I <b>love</b> the <a href="https://acme.example">Acme</a> <em>skates</em>')).toBe('I love the Acme skates');
  });

  it('decodes named, decimal and hex entities, and non-breaking spaces', () => {
    expect(htmlToText('Fish &amp; chips &#8217; it&#x2019;s &lt;b&gt; caf&eacute;&nbsp;now &quot;q&quot;')).toBe(
      'Fish & chips ’ it’s <b> café now "q"',
    );
  });

  it('does not treat decoded entities as markup', () => {
    expect(htmlToText('&lt;script&gt;alert(1)&lt;/script&gt; &lt;p&gt;x')).toBe('<script>alert(1)</script> <p>x');
  });

  it('collapses runs of spaces and tabs to one space and blank lines to one break', () => {
    expect(htmlToText('  lots \t of\u00a0\u00a0  space  \n\n\n  here  ')).toBe('lots of space\nhere');
    expect(htmlToText('<p> a </p>\n\n<p>\n b </p>')).toBe('a\nb');
  });

  it('returns plain text unchanged', () => {
    expect(htmlToText('Acme opens an office.')).toBe('Acme opens an office.');
  });

  it('returns the empty string for markup without text', () => {
    expect(htmlToText('<p></p><br/><div> </div>')).toBe('');
  });

  it('gives what its regular expressions gave, on 5,000 generated mixes of tags, comments, blocks, entities and spaces', () => {
    const random = seededRandom(7);
    for (let sample = 0; sample < 5_000; sample++) {
      const html = Array.from({ length: Math.floor(random() * 30) }, () => FRAGMENTS[Math.floor(random() * FRAGMENTS.length)]).join('');
      expect([html, htmlToText(html)]).toEqual([html, quadraticHtmlToText(html)]);
    }
  });

  it('reads in one pass what has openings without their ends: "<", "<p", "<!--", "<script>", long runs of spaces', () => {
    // Each of these took its regular expression to the end of the text from every opening (minutes at this size).
    expect(htmlToText('a<p '.repeat(100_000))).toBe('a<p '.repeat(100_000).trim());
    expect(htmlToText('x<b'.repeat(100_000))).toBe('x<b'.repeat(100_000));
    expect(htmlToText('<!--'.repeat(100_000))).toBe('<!--'.repeat(100_000));
    expect(htmlToText(`${'<script>x'.repeat(50_000)}<p>end</p>`)).toBe(`${'<script>x'.repeat(50_000)}\nend`.replace(/<script>x/g, 'x'));
    expect(htmlToText(`a${'\r'.repeat(200_000)}b`)).toBe(`a${'\r'.repeat(200_000)}b`);
  });
});
