// The signal module: SIGINT, SIGTERM and SIGHUP stop; later ones are answered; listeners removed.
import { EventEmitter } from 'node:events';
import test from 'ava';
import { onStopSignals, type StopSignal, stopSignals } from '../../../cli/stop-signals.ts';

test('a closed terminal (SIGHUP) stops like Ctrl-C and SIGTERM', (t) => {
  t.deepEqual([...stopSignals], ['SIGINT', 'SIGTERM', 'SIGHUP']);
  for (const signal of stopSignals) {
    const source = new EventEmitter();
    const stopped: StopSignal[] = [];
    onStopSignals(source, { stop: (s) => stopped.push(s), again: () => t.fail('not a second signal') });
    source.emit(signal, signal);
    t.deepEqual(stopped, [signal]);
  }
});

test('the first signal stops; every later one, of any kind, is answered without stopping again', (t) => {
  const source = new EventEmitter();
  const heard: string[] = [];
  onStopSignals(source, {
    stop: (signal) => heard.push(`stop ${signal}`),
    again: (signal) => heard.push(`again ${signal}`),
  });
  source.emit('SIGHUP', 'SIGHUP');
  source.emit('SIGINT', 'SIGINT');
  source.emit('SIGTERM', 'SIGTERM');
  t.deepEqual(heard, ['stop SIGHUP', 'again SIGINT', 'again SIGTERM']);
});

test('stopping to listen removes every listener it added', (t) => {
  const source = new EventEmitter();
  const stopListening = onStopSignals(source, { stop: () => {}, again: () => {} });
  for (const signal of stopSignals) t.is(source.listenerCount(signal), 1);
  stopListening();
  for (const signal of stopSignals) t.is(source.listenerCount(signal), 0);
});
