import { Menu, Tray, nativeImage } from 'electron';
import trayIconPath from '../../build/tray-icon.png?asset';

export interface TrayActions {
  show(): void;
  quit(): void;
  setStartMinimized(value: boolean): void;
}

/** The tray icon: status line, show, start-minimised toggle, quit. */
export function createTray(actions: TrayActions, startMinimized: boolean) {
  const tray = new Tray(nativeImage.createFromPath(trayIconPath));
  let status = 'Voluntree is starting…';
  let minimized = startMinimized;
  const render = (): void => {
    tray.setToolTip(status);
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: status, enabled: false },
        { type: 'separator' },
        { label: 'Show Voluntree', click: actions.show },
        {
          label: 'Start minimised to the tray',
          type: 'checkbox',
          checked: minimized,
          click: (item) => {
            minimized = item.checked;
            actions.setStartMinimized(item.checked);
          },
        },
        { type: 'separator' },
        { label: 'Quit Voluntree', click: actions.quit },
      ]),
    );
  };
  tray.on('click', actions.show);
  render();
  return {
    setStatus(line: string): void {
      if (line === status) return;
      status = line;
      render();
    },
    destroy: () => tray.destroy(),
  };
}
