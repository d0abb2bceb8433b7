import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, SignedOut } from './app';
import { createBridge } from './bridge';
import { installLinkGuard } from './lib/link-guard';
import { createStores, StoresProvider } from './stores/stores';
import './styles/app.css';

installLinkGuard(document);
const root = createRoot(document.getElementById('root') as HTMLElement);
const bridge = createBridge(window);
if (!bridge) {
  root.render(<SignedOut />);
} else {
  const stores = createStores(bridge);
  root.render(
    <StrictMode>
      <StoresProvider stores={stores}>
        <App />
      </StoresProvider>
    </StrictMode>,
  );
}
