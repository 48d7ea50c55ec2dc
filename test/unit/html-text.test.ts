// Feed HTML to plain text: invisible blocks gone, blocks on their own lines, entities decoded, whitespace collapsed.
import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/mentions/html-text.js';

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
});
