import { describe, expect, it } from 'vitest';
import { buildBundle } from './index';
import { esc } from './html';
import { SAMPLE, sampleInput } from './test-fixtures';

async function html(anonymise = false): Promise<string> {
  const { files } = await buildBundle(sampleInput(), { anonymise });
  return files.find((f) => f.name === 'report.html')!.text;
}

describe('report.html', () => {
  it('shows a hostile server banner as text: no script or img element comes out of it', async () => {
    const page = await html();
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<img/i);
    expect(page).toContain('SSH-2.0-&lt;script&gt;alert(1)&lt;/script&gt;&amp;&lt;img src=x onerror=alert(2)&gt;');
    // The control character ssh2 passed through (ESC) is shown, not sent to the browser raw.
    expect(page).not.toContain('\x1b');
  });

  it('is self-contained: no scripts, no remote resources, a policy that forbids both, inline CSS only', async () => {
    const page = await html();
    expect(page).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'/);
    // every element of the page is one we wrote (data is escaped): none loads anything
    const tags = page.match(/<[a-z][^>]*>/gi) ?? [];
    expect(tags.length).toBeGreaterThan(50);
    for (const tag of tags) expect(tag).not.toMatch(/\s(src|href|action|srcset|poster|data)=|^<(link|iframe|object|embed|script|img|form)\b/i);
    expect(page).not.toMatch(/@import|url\(/i);
    expect(page).toMatch(/<style>[^<]+<\/style>/);
  });

  it('holds what an admin needs: diagnosis, next step, timings, the algorithm mismatch marked, host key, auth, fixes tried, the message', async () => {
    const page = await html();
    expect(page).toContain('<h2 id="diagnosis">Connected: SFTP works</h2>');
    expect(page).toContain('Next step:');
    expect(page).toMatch(/Greet the SSH server<\/td><td><span class="badge ok">ok<\/span><\/td><td class="mono nowrap">20 ms/);
    // the earlier round keeps its mismatch, marked both by colour (class) and by words
    expect(page).toMatch(/<tr class="bad"><td>Key exchange<\/td><td class="mono">diffie-hellman-group14-sha1<\/td><td class="mono">curve25519-sha256, ecdh-sha2-nistp256<\/td><td><span class="mark">&#9888; no algorithm in common/);
    expect(page).toContain('SHA256:Xq3s0v7bH1n2m9yq4ZzGg6o8T1u2v3w4x5y6z7A8B9C');
    expect(page).toContain('MD5:3f:1a:9c:22:7b:de:00:41:aa:bb:cc:dd:ee:ff:10:20');
    expect(page).toContain('Known-hosts entries for this host');
    expect(page).toMatch(/Methods the server offers<\/th><td class="mono">publickey, password/);
    expect(page).toContain('Fixes tried');
    expect(page).toContain("Message for the server's administrator");
    expect(page).toContain(`SFTP service at ${SAMPLE.host}, port 2222, as user &quot;${SAMPLE.user}&quot;`);
  });

  it('esc() escapes every character that could open markup or an attribute', () => {
    expect(esc(`<a href="x" onclick='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
    expect(esc('bell\x07')).toBe('bell\\x07');
  });
});
