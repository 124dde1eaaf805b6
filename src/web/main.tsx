// Must stay the first import: it configures zod before the protocol schemas are built.
import './zod-config.js';
import { render } from 'preact';
import { App } from './app.js';

const root = document.getElementById('app');
if (root) render(<App />, root);
