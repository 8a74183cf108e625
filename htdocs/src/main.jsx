import { render } from 'preact';
import { App } from './app.jsx';
import { start } from './session.js';
import './styles.css';

render(<App />, document.getElementById('app'));
start();
