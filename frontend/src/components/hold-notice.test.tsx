import { screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { manualClock } from '@/testing/clock';
import { renderWithProviders } from '@/testing/render';

import { HoldNotice } from './hold-notice';

const HELD_UNTIL = '2026-12-05T14:32:00.000Z';
const NINE_MINUTES_TWENTY_BEFORE = '2026-12-05T14:22:40.000Z';

describe('HoldNotice', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('tells until when the items are held, counts down, and says what happens when the hold lapses', async () => {
    const { clock, advance } = manualClock(NINE_MINUTES_TWENTY_BEFORE);
    renderWithProviders(<HoldNotice heldUntil={HELD_UNTIL} />, { clock });

    expect(screen.getByRole('status')).toHaveTextContent('Your items are held for you until 14:32 (about 9 minutes left).');
    expect(screen.getByTestId('hold-countdown')).toHaveTextContent('9:20');
    expect(screen.getByText('If the time runs out, we’ll try to hold them again when you pay — if they’re still in stock.')).toBeVisible();

    await advance(20_000);
    expect(screen.getByTestId('hold-countdown')).toHaveTextContent('9:00');
    await advance(4 * 60_000);
    expect(screen.getByRole('status')).toHaveTextContent('(about 5 minutes left)');
    expect(screen.getByTestId('hold-countdown')).toHaveTextContent('5:00');
  });

  it('says the hold has ended once the time runs out, in the same live region', async () => {
    const { clock, advance } = manualClock(NINE_MINUTES_TWENTY_BEFORE);
    renderWithProviders(<HoldNotice heldUntil={HELD_UNTIL} />, { clock });
    const status = screen.getByRole('status');

    await advance(9 * 60_000 + 19_000);
    expect(status).toHaveTextContent('(less than a minute left)');
    expect(screen.getByTestId('hold-countdown')).toHaveTextContent('0:01');
    await advance(1_000);

    expect(screen.getByRole('status')).toBe(status);
    expect(status).toHaveTextContent('Your hold has ended; paying will hold the items again if they’re still in stock.');
    expect(screen.queryByTestId('hold-countdown')).toBeNull();
    expect(screen.queryByText(/If the time runs out/)).toBeNull();
  });

  it('says an order opened after its hold lapsed has no hold any more', () => {
    const { clock } = manualClock('2026-12-05T15:00:00.000Z');
    renderWithProviders(<HoldNotice heldUntil={HELD_UNTIL} />, { clock });
    expect(screen.getByRole('status')).toHaveTextContent('Your hold has ended; paying will hold the items again if they’re still in stock.');
  });

  it('asks for another card after a decline, the items still held', () => {
    const { clock } = manualClock(NINE_MINUTES_TWENTY_BEFORE);
    renderWithProviders(<HoldNotice heldUntil={HELD_UNTIL} afterDecline />, { clock });
    expect(screen.getByRole('status')).toHaveTextContent('Your items stay held until 14:32 (about 9 minutes left) — try another card.');
  });

  it('changes its announced words at most once a minute while the countdown ticks every second', async () => {
    const { clock, advance } = manualClock(NINE_MINUTES_TWENTY_BEFORE);
    renderWithProviders(<HoldNotice heldUntil={HELD_UNTIL} />, { clock });
    const status = screen.getByRole('status');
    const announced = [status.textContent];
    const shown = [screen.getByTestId('hold-countdown').textContent];
    for (let second = 0; second < 180; second += 1) {
      await advance(1_000);
      if (status.textContent !== announced.at(-1)) announced.push(status.textContent);
      shown.push(screen.getByTestId('hold-countdown').textContent);
    }
    expect(new Set(shown).size).toBe(181);
    expect(announced).toEqual([
      'Your items are held for you until 14:32 (about 9 minutes left).',
      'Your items are held for you until 14:32 (about 8 minutes left).',
      'Your items are held for you until 14:32 (about 7 minutes left).',
      'Your items are held for you until 14:32 (about 6 minutes left).',
    ]);
  });

  it('shows the end in the shopper’s time zone', () => {
    const { clock } = manualClock(NINE_MINUTES_TWENTY_BEFORE, 'America/Chicago');
    renderWithProviders(<HoldNotice heldUntil={HELD_UNTIL} />, { clock });
    expect(screen.getByRole('status')).toHaveTextContent('until 08:32');
  });

  it('shows nothing while nothing is held', () => {
    const { clock } = manualClock(NINE_MINUTES_TWENTY_BEFORE);
    const { container } = renderWithProviders(<HoldNotice heldUntil={null} />, { clock });
    expect(container).toBeEmptyDOMElement();
  });
});
