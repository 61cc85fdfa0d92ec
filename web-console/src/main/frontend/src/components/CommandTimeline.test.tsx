import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CommandTimeline } from './CommandTimeline';
import { clock } from '../format';

const commands = [
  { sessionId: 's', seq: 1, offsetMillis: 1200, line: 'ls -la', source: 'typed+terminal', disagrees: false },
  { sessionId: 's', seq: 2, offsetMillis: 65000, line: 'make deploy', source: 'typed', disagrees: false },
  { sessionId: 's', seq: 3, offsetMillis: 70000, line: 'rm -rf /srv', source: 'typed', disagrees: true },
  { sessionId: 's', seq: 4, offsetMillis: 70000, line: 'ls', source: 'terminal', disagrees: true },
];

describe('CommandTimeline', () => {
  it('jumps to the command offset when a command is picked, by mouse or keyboard', async () => {
    const onPick = vi.fn();
    render(<CommandTimeline commands={commands} onPick={onPick} format={clock} />);

    await userEvent.click(screen.getByText('make deploy'));
    screen.getByText('ls -la').closest('button')!.focus();
    await userEvent.keyboard('{Enter}');

    expect(onPick).toHaveBeenNthCalledWith(1, 65);
    expect(onPick).toHaveBeenNthCalledWith(2, 1.2);
    expect(screen.getByText('1:05')).toBeInTheDocument();
  });

  it('says where each line was read and marks lines whose typed and screen readings differ', () => {
    render(<CommandTimeline commands={commands} format={clock} />);
    expect(screen.getByText('typed and on screen')).toBeInTheDocument();
    expect(screen.getByText('typed (typed and screen differ)')).toHaveClass('differs');
    expect(screen.getByText('on screen (typed and screen differ)')).toHaveClass('differs');
  });

  it('says so when nothing was typed', () => {
    render(<CommandTimeline commands={[]} format={clock} />);
    expect(screen.getByText('No commands recorded.')).toBeInTheDocument();
  });
});
