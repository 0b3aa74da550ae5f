import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppFrame } from './app/app-frame';
import { bootstrap, chooseBridge } from './bridge/bootstrap';
import './styles/app.css';

bootstrap(chooseBridge(window));
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <AppFrame />
  </StrictMode>,
);
