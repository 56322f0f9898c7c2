import { describe, expect, it } from 'vitest';
import { parseClientMessage } from './protocol.js';

describe('parseClientMessage', () => {
  it('accepts the four message shapes', () => {
    expect(parseClientMessage('{"t":"line","line":"openstack network list"}')).toEqual({
      t: 'line',
      line: 'openstack network list',
    });
    expect(parseClientMessage('{"t":"complete","line":"openstack net"}')).toEqual({
      t: 'complete',
      line: 'openstack net',
    });
    expect(parseClientMessage('{"t":"reset"}')).toEqual({ t: 'reset' });
    expect(parseClientMessage('{"t":"resize","cols":120}')).toEqual({ t: 'resize', cols: 120 });
    expect(
      parseClientMessage('{"t":"answer","check":"which-source","value":"203.0.113.7"}'),
    ).toEqual({ t: 'answer', check: 'which-source', value: '203.0.113.7' });
    expect(parseClientMessage('{"t":"solution","step":"a-router"}')).toEqual({
      t: 'solution',
      step: 'a-router',
    });
    expect(parseClientMessage('{"t":"hint","step":"a-router","n":2}')).toEqual({ t: 'hint', step: 'a-router', n: 2 });
  });
  it('rejects anything else', () => {
    for (const raw of [
      '',
      'null',
      '[]',
      '{"t":"line"}',
      '{"t":"line","line":5}',
      '{"t":"eval","code":"x"}',
      '{"t":"resize","cols":5}',
      '{"t":"resize","cols":1.5}',
      '{"t":"answer","check":"X Y","value":"a"}',
      '{"t":"answer","check":"a","value":"two\\nlines"}',
      '{"t":"hint","step":"a-router"}',
      '{"t":"hint","step":"a-router","n":0}',
      '{"t":"hint","step":"a-router","n":1.5}',
      '{"t":"hint","step":"a-router","n":"1"}',
      '{"t":"hint","step":"a-router","n":1000}',
      '{"t":"hint","step":"<script>","n":1}',
      `{"t":"line","line":"${'x'.repeat(20000)}"}`,
    ]) {
      expect(parseClientMessage(raw)).toBeNull();
    }
  });
});
