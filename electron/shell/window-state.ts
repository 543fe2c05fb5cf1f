import ElectronStore from 'electron-store';
import { screen, type BrowserWindow, type Rectangle } from 'electron';

interface WindowState {
  bounds?: Rectangle;
  maximized?: boolean;
}

/** Window size and position, remembered across runs (kept apart from the settings file). */
export function windowState(): { initial: WindowState; track(win: BrowserWindow): void } {
  const store = new ElectronStore<WindowState>({ name: 'window-state' });
  const saved = store.store;
  // A remembered position on a display that is gone would put the window off-screen.
  const visible =
    saved.bounds !== undefined &&
    screen.getAllDisplays().some((d) => {
      const a = d.workArea;
      const b = saved.bounds as Rectangle;
      return b.x < a.x + a.width && b.x + b.width > a.x && b.y < a.y + a.height && b.y + b.height > a.y;
    });
  return {
    initial: visible ? saved : { maximized: saved.maximized },
    track(win) {
      const save = (): void => {
        if (win.isDestroyed()) return;
        store.set('maximized', win.isMaximized());
        if (!win.isMaximized() && !win.isMinimized()) store.set('bounds', win.getBounds());
      };
      let timer: NodeJS.Timeout | undefined;
      const soon = (): void => {
        clearTimeout(timer);
        timer = setTimeout(save, 400);
      };
      win.on('resize', soon);
      win.on('move', soon);
      win.on('close', save);
    },
  };
}
